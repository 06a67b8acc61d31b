"""The editorial API: who may do what (anonymous, no role, reviewer, editor) and how bad
input is answered (400 with a JSON body that says why, never a 500)."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from claims.models import ClaimStatus, Verdict
from editorial.models import Assignment, ClaimTransition, Comment, Publication
from editorial.services.assignments import claim_assign
from tests.factories import ArticleFactory, ClaimFactory
from tests.workflow import make_ready, publish, rate

pytestmark = pytest.mark.django_db


def url(claim_id: int, action: str) -> str:
    return f"/api/v1/claims/{claim_id}/{action}/"


def call(client: APIClient, method: str, path: str, data: Any = None) -> Any:
    return (
        getattr(client, method)(path, data, format="json")
        if data is not None
        else getattr(client, method)(path)
    )


# --- Anonymous callers and signed-in users without a role -------------------------------


def requests_for(claim_id: int, article_id: int, reviewer_id: int) -> list[tuple[str, str, Any]]:
    return [
        ("post", url(claim_id, "transition"), {"to": "in_review"}),
        ("get", url(claim_id, "transitions"), None),
        ("get", url(claim_id, "assignments"), None),
        ("post", url(claim_id, "assignments"), {"reviewers": [reviewer_id]}),
        ("post", url(claim_id, "assign"), {"reviewers": [reviewer_id]}),
        ("delete", f"{url(claim_id, 'assignments')}{reviewer_id}/", None),
        ("get", url(claim_id, "comments"), None),
        ("post", url(claim_id, "comments"), {"body": "Hi"}),
        ("post", url(claim_id, "publish"), {"verdict": "true", "rationale": "Yes."}),
        ("post", url(claim_id, "unpublish"), {"note": "No."}),
        ("get", f"/api/v1/articles/{article_id}/report/", None),
        ("get", "/api/v1/me/queue/", None),
        ("get", "/api/v1/reviewers/", None),
        ("get", "/api/v1/reviewers/stats/", None),
    ]


def test_anonymous_callers_must_sign_in(api, reviewer) -> None:
    claim = ClaimFactory.create()

    for method, path, data in requests_for(claim.pk, claim.article_id, reviewer.pk):
        response = call(api, method, path, data)
        assert response.status_code == 401, (method, path)
        assert response.json()["detail"]
    assert not ClaimTransition.objects.exists()


def test_users_without_a_role_are_refused(outsider_api, reviewer) -> None:
    claim = ClaimFactory.create()

    for method, path, data in requests_for(claim.pk, claim.article_id, reviewer.pk):
        response = call(outsider_api, method, path, data)
        # Claims they may not read do not exist for them (404); the rest is forbidden.
        assert response.status_code in {403, 404}, (method, path)
        assert response.json()["detail"]
    assert not ClaimTransition.objects.exists()
    assert not Comment.objects.exists()


# --- Reviewers ---------------------------------------------------------------------------


def test_a_reviewer_starts_a_review_and_reads_the_log(reviewer_api, reviewer) -> None:
    claim = ClaimFactory.create()

    created = reviewer_api.post(url(claim.pk, "transition"), {"to": "in_review"}, format="json")
    log = reviewer_api.get(url(claim.pk, "transitions"))

    assert created.status_code == 201
    assert created.json()["from_status"] == "open"
    assert created.json()["to_status"] == "in_review"
    assert created.json()["user"] == reviewer.username
    assert [row["to_status"] for row in log.json()["results"]] == ["in_review"]


def test_a_reviewer_may_not_reject_assign_or_publish(reviewer_api, second_reviewer, editor) -> None:
    claim = ClaimFactory.create(status=ClaimStatus.IN_REVIEW)
    ready = make_ready(ClaimFactory.create(), editor)

    responses = [
        reviewer_api.post(url(claim.pk, "transition"), {"to": "rejected", "note": "x"}, "json"),
        reviewer_api.post(url(claim.pk, "assign"), {"reviewers": [second_reviewer.pk]}, "json"),
        reviewer_api.delete(f"{url(claim.pk, 'assignments')}{second_reviewer.pk}/"),
        reviewer_api.post(url(ready.pk, "publish"), {"verdict": "true", "rationale": "Y"}, "json"),
        reviewer_api.post(url(ready.pk, "unpublish"), {"note": "No."}, "json"),
    ]

    assert [response.status_code for response in responses] == [403] * 5
    assert all(response.json()["detail"] for response in responses)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.IN_REVIEW
    assert not Assignment.objects.exists()
    assert not Publication.objects.exists()


# A reviewer who has not rated is never offered "Mark ready" (the rate-first rule):
# these test the consensus rule itself, with every rating shown.
@pytest.mark.usefixtures("every_rating_shown")
def test_a_reviewer_cannot_mark_a_disputed_claim_ready(reviewer_api) -> None:
    claim = ClaimFactory.create(status=ClaimStatus.IN_REVIEW)
    rate(claim, Verdict.TRUE, Verdict.FALSE)

    response = reviewer_api.post(url(claim.pk, "transition"), {"to": "ready"}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "no_consensus"
    assert "disputed" in response.json()["detail"]


# --- Editors -----------------------------------------------------------------------------


def test_an_editor_assigns_lists_and_unassigns_reviewers(
    editor_api, editor, reviewer, second_reviewer
) -> None:
    claim = ClaimFactory.create()

    first = editor_api.post(url(claim.pk, "assignments"), {"reviewers": [reviewer.pk]}, "json")
    both = editor_api.post(
        url(claim.pk, "assign"), {"reviewers": [reviewer.pk, second_reviewer.pk]}, "json"
    )
    again = editor_api.post(url(claim.pk, "assign"), {"reviewers": [reviewer.pk]}, "json")
    listed = editor_api.get(url(claim.pk, "assignments"))
    removed = editor_api.delete(f"{url(claim.pk, 'assignments')}{reviewer.pk}/")
    missing = editor_api.delete(f"{url(claim.pk, 'assignments')}{reviewer.pk}/")

    assert (first.status_code, both.status_code, again.status_code) == (201, 201, 200)
    assert [row["reviewer"] for row in both.json()] == [reviewer.username, second_reviewer.username]
    assert both.json()[0]["assigned_by"] == editor.username
    assert both.json()[0]["has_rated"] is False
    assert len(listed.json()) == 2  # a plain list: a claim has few assigned reviewers
    assert (removed.status_code, missing.status_code) == (204, 404)
    assert list(Assignment.objects.values_list("reviewer", flat=True)) == [second_reviewer.pk]


def test_an_editor_publishes_and_unpublishes(editor_api, editor, settings) -> None:
    settings.PUBLIC_BASE_URL = "https://checks.example.org"
    claim = make_ready(ClaimFactory.create(), editor)
    rate(claim, Verdict.FALSE, Verdict.FALSE)

    published = editor_api.post(
        url(claim.pk, "publish"),
        {"verdict": "false", "rationale": "The budget says so.", "confirm_no_evidence": True},
        "json",
    )
    unpublished = editor_api.post(url(claim.pk, "unpublish"), {"note": "Recheck."}, "json")

    assert published.status_code == 201
    body = published.json()
    assert (body["verdict"], body["overrides_consensus"], body["published_by"]) == (
        "false",
        False,
        editor.username,
    )
    assert body["public_url"] == f"https://checks.example.org/fact-checks/{claim.pk}/"
    assert unpublished.status_code == 200
    assert (unpublished.json()["from_status"], unpublished.json()["to_status"]) == (
        "published",
        "ready",
    )


def test_the_claim_detail_shows_the_published_verdict(editor_api, editor, reviewer_api) -> None:
    claim = ClaimFactory.create()
    rate(claim, Verdict.TRUE, Verdict.TRUE)
    publish(claim, editor, Verdict.MOSTLY_TRUE, note="Nuance.")

    body = reviewer_api.get(f"/api/v1/claims/{claim.pk}/").json()

    assert body["status"] == "published"
    assert body["published_verdict"] == "mostly_true"
    assert body["consensus"]["verdict"] == "true"


def test_the_claims_verdict_filter_uses_the_published_verdict_else_the_consensus(
    editor_api, editor
) -> None:
    article = ArticleFactory.create()
    consensus_false = ClaimFactory.create(article=article, start=0, end=5)
    rate(consensus_false, Verdict.FALSE, Verdict.FALSE)
    published_false = ClaimFactory.create(article=article, start=6, end=9)
    rate(published_false, Verdict.TRUE, Verdict.TRUE)
    publish(published_false, editor, Verdict.FALSE, note="Override.")
    disputed = ClaimFactory.create(article=article, start=10, end=20)
    rate(disputed, Verdict.FALSE, Verdict.TRUE)

    def ids(verdict: str) -> set[int]:
        response = editor_api.get("/api/v1/claims/", {"verdict": verdict})
        return {row["id"] for row in response.json()["results"]}

    assert ids("false") == {consensus_false.pk, published_false.pk}
    assert ids("true") == set()


# --- Bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({}, "to"),
        ({"to": "archived"}, "to"),
        ({"to": 5}, "to"),
        ({"to": "rejected"}, "note"),
        ({"to": "rejected", "note": "x" * 20_001}, "note"),
        ({"to": "published"}, "non_field_errors"),
        ({"to": "in_review"}, "non_field_errors"),
        ([1, 2], "non_field_errors"),
    ],
)
def test_bad_transitions_are_400_with_the_reason(editor_api, data: Any, field: str) -> None:
    claim = ClaimFactory.create(status=ClaimStatus.IN_REVIEW)

    response = editor_api.post(url(claim.pk, "transition"), data, format="json")

    assert response.status_code == 400, response.content
    body = response.json()
    assert body["detail"].startswith("Invalid input: ")
    assert field in body["errors"]


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"reviewers": []},
        {"reviewers": "ana"},
        {"reviewers": ["ana"]},
        {"reviewers": [0]},
        {"reviewers": [2**63]},
        {"reviewers": [987654]},
        {"reviewers": list(range(1, 102))},
    ],
)
def test_bad_assignments_are_400(editor_api, data: Any) -> None:
    claim = ClaimFactory.create()

    response = editor_api.post(url(claim.pk, "assign"), data, format="json")

    assert response.status_code == 400, response.content
    assert "reviewers" in response.json()["errors"]


def test_assigning_someone_without_a_role_is_400(editor_api, outsider) -> None:
    claim = ClaimFactory.create()

    response = editor_api.post(url(claim.pk, "assign"), {"reviewers": [outsider.pk]}, "json")

    assert response.status_code == 400
    assert "Only active reviewers and editors" in response.json()["errors"]["reviewers"][0]


@pytest.mark.parametrize("data", [{}, {"body": ""}, {"body": "   "}, {"body": "x" * 20_001}])
def test_bad_comments_are_400(reviewer_api, data: Any) -> None:
    response = reviewer_api.post(url(ClaimFactory.create().pk, "comments"), data, format="json")

    assert response.status_code == 400
    assert "body" in response.json()["errors"]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({}, "verdict"),
        ({"verdict": "meh", "rationale": "x"}, "verdict"),
        ({"verdict": "true"}, "rationale"),
        ({"verdict": "true", "rationale": "  "}, "rationale"),
        ({"verdict": "misleading", "rationale": "Framing."}, "note"),
    ],
)
def test_bad_publications_are_400(editor_api, editor, data: Any, field: str) -> None:
    claim = ClaimFactory.create()
    rate(claim, Verdict.TRUE, Verdict.TRUE)
    make_ready(claim, editor)

    response = editor_api.post(url(claim.pk, "publish"), data, format="json")

    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Publication.objects.exists()


def test_publishing_a_claim_that_is_not_ready_is_400(editor_api) -> None:
    claim = ClaimFactory.create()

    response = editor_api.post(
        url(claim.pk, "publish"), {"verdict": "true", "rationale": "Y", "note": "n"}, "json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "transition_not_allowed"


@pytest.mark.parametrize("data", [{}, {"note": ""}])
def test_unpublishing_without_a_note_is_400(editor_api, editor, data: Any) -> None:
    claim = ClaimFactory.create()
    publish(claim, editor, Verdict.TRUE)

    response = editor_api.post(url(claim.pk, "unpublish"), data, format="json")

    assert response.status_code == 400
    assert "note" in response.json()["errors"]


def test_unknown_and_huge_claim_ids_are_json_404s(editor_api) -> None:
    for path in (
        url(987654, "transitions"),
        url(987654, "publish"),
        "/api/v1/claims/" + "9" * 30 + "/comments/",
    ):
        response = (
            editor_api.post(path, {}, format="json") if "publish" in path else editor_api.get(path)
        )
        assert response.status_code == 404, path
        assert response.json()["detail"]


def test_a_body_that_is_not_json_is_400(editor_api) -> None:
    claim = ClaimFactory.create()

    response = editor_api.post(
        url(claim.pk, "transition"), "{not json", content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["detail"]


def test_an_assignment_of_a_reviewer_twice_in_one_request_counts_once(editor_api, reviewer) -> None:
    claim = ClaimFactory.create()

    response = editor_api.post(url(claim.pk, "assign"), {"reviewers": [reviewer.pk] * 2}, "json")

    assert response.status_code == 201
    assert Assignment.objects.count() == 1


def test_the_queue_and_assignments_stay_consistent(editor, reviewer, reviewer_api) -> None:
    claim = ClaimFactory.create()
    claim_assign(claim=claim, reviewers=[reviewer], assigned_by=editor)

    queue = reviewer_api.get("/api/v1/me/queue/").json()

    assert [row["id"] for row in queue["results"]] == [claim.pk]
    # Not rated by me yet: its consensus is hidden from me.
    assert queue["results"][0]["consensus"] is None
    assert queue["results"][0]["consensus_hidden"] is True
