"""The editors' queues on the dashboard and in the claims search, the team's activity, and
the claim page's moves and publishing confirmations."""

from __future__ import annotations

import pytest
from django.test import Client

from claims.models import ArticleStatus, Claim, ClaimStatus, Verdict
from editorial.models import Publication
from editorial.services.assignments import claim_assign
from editorial.services.workflow import claim_transition
from tests.factories import ArticleFactory, ClaimFactory, EvidenceFactory
from tests.failed_forms import failed_post
from tests.workflow import make_ready, publish, rate

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def html_of(client: Client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def listed(client: Client, query: str) -> set[int]:
    html = html_of(client, f"/claims/?{query}")
    return {claim.pk for claim in Claim.objects.all() if f'href="/claims/{claim.pk}/"' in html}


@pytest.fixture
def queued(editor) -> dict[str, Claim]:
    ready = ClaimFactory.create(status=ClaimStatus.READY)
    disputed = ClaimFactory.create()
    rate(disputed, Verdict.TRUE, Verdict.FALSE)
    lonely = ClaimFactory.create()
    return {"ready": ready, "disputed": disputed, "lonely": lonely}


# --- The dashboard's queues -----------------------------------------------------------


def test_editors_see_each_queue_with_its_count_and_a_link_to_it(editor, queued) -> None:
    html = html_of(signed_in(editor), "/")
    panel = html[html.index('id="queues-heading"') : html.index('id="queue-heading"')]
    for name, label, count in [
        ("ready", "Ready to publish", 1),
        ("disputed", "Disputed", 1),
        ("needs_ratings", "Needs ratings", 1),
        ("stale", "Stale", 0),
    ]:
        link = panel[panel.index(f'href="/claims/?queue={name}"') :]
        assert label in link[: link.index("</a>")]
        assert f">{count}</span>" in link[: link.index("</a>")]


def test_reviewers_see_no_editors_queues(reviewer, queued) -> None:
    assert 'id="queues-heading"' not in html_of(signed_in(reviewer), "/")


def test_each_queue_link_lists_its_claims(editor, queued) -> None:
    client = signed_in(editor)
    assert listed(client, "queue=ready") == {queued["ready"].pk}
    assert listed(client, "queue=disputed") == {queued["disputed"].pk}
    assert listed(client, "queue=needs_ratings") == {queued["lonely"].pk}
    assert listed(client, "queue=stale") == set()
    assert "Queue <strong>Ready to publish</strong>" in html_of(client, "/claims/?queue=ready")


def test_search_by_consensus_article_and_assigned_to_nobody(editor, reviewer, queued) -> None:
    client = signed_in(reviewer)
    # Independent ratings: whether a claim the reviewer has not rated is disputed is
    # not theirs to know yet; its editors see it.
    assert listed(client, "consensus=disputed") == set()
    assert listed(signed_in(editor), "consensus=disputed") == {queued["disputed"].pk}
    client = signed_in(reviewer)
    assert listed(client, "consensus=needs_ratings") == {queued["ready"].pk, queued["lonely"].pk}
    claim_assign(claim=queued["lonely"], reviewers=[reviewer], assigned_by=editor)
    assert listed(client, "unassigned=on") == {queued["ready"].pk, queued["disputed"].pk}
    article = queued["disputed"].article
    assert listed(client, f"article={article.pk}") == {queued["disputed"].pk}
    html = html_of(client, "/claims/")
    assert f'<option value="{article.pk}">{article.title}</option>' in html


@pytest.mark.parametrize("query", ["queue=corrections", "consensus=agreed", "article=abc"])
def test_a_bad_queue_or_consensus_is_a_form_error_not_a_crash(reviewer, queued, query) -> None:
    assert "Select a valid choice" in html_of(signed_in(reviewer), f"/claims/?{query}")


def test_the_queue_search_costs_the_same_queries_for_many_claims(
    editor, queued, django_assert_max_num_queries
) -> None:
    client = signed_in(editor)
    with django_assert_max_num_queries(12) as queries:
        html_of(client, "/claims/?queue=needs_ratings&unassigned=on")
    for claim in ClaimFactory.create_batch(20):
        rate(claim, Verdict.TRUE)
    with django_assert_max_num_queries(len(queries)):
        html_of(client, "/claims/?queue=needs_ratings&unassigned=on")


# --- Activity -------------------------------------------------------------------------


def test_activity_shows_moves_assignments_and_publications(editor, reviewer) -> None:
    claim = ClaimFactory.create(quote="a third of the saplings")
    rate(claim, Verdict.FALSE, Verdict.FALSE)  # the first starts the review
    claim_assign(claim=claim, reviewers=[reviewer], assigned_by=editor)
    claim_transition(claim=claim, to_status=ClaimStatus.READY, user=editor)
    publish(claim, editor, Verdict.FALSE)
    html = html_of(signed_in(editor), "/")
    activity = html[html.index('id="activity-heading"') :]
    assert activity.index("published") < activity.index("moved to ready")
    assert activity.index("moved to ready") < activity.index(f"assigned {reviewer.username} to")
    assert "moved to in review (first rating)" in activity
    assert ">The system</span>" in activity
    assert activity.count("moved to published") == 0  # the publication stands for it


def test_the_dashboard_costs_the_same_queries_with_every_kind_of_activity(
    editor, reviewer, django_assert_max_num_queries
) -> None:
    client = signed_in(editor)
    ClaimFactory.create()
    with django_assert_max_num_queries(20) as queries:
        html_of(client, "/")
    for claim in ClaimFactory.create_batch(6):
        EvidenceFactory.create(claim=claim)
        rate(claim, Verdict.FALSE, Verdict.FALSE)
        claim_assign(claim=claim, reviewers=[reviewer], assigned_by=editor)
        publish(claim, editor, Verdict.FALSE)
    with django_assert_max_num_queries(len(queries)):
        html_of(client, "/")


# --- Moves and publishing on the claim page ------------------------------------------------


def test_the_reject_note_says_it_is_required(editor) -> None:
    claim = ClaimFactory.create()
    html = html_of(signed_in(editor), f"/claims/{claim.pk}/")
    reject = html[html.index('id="move-rejected"') :]
    reject = reject[: reject.index("</details>")]
    assert "Why? (required)" in reject
    assert 'aria-required="true"' in reject
    assert 'value="rejected"' in reject


# A reviewer who has not rated is never offered "Mark ready" (the rate-first rule):
# these test the consensus rule itself, with every rating shown.
@pytest.mark.usefixtures("every_rating_shown")
def test_a_reviewer_is_offered_mark_ready_only_with_a_consensus(reviewer) -> None:
    disputed = ClaimFactory.create()
    rate(disputed, Verdict.TRUE, Verdict.FALSE)
    html = html_of(signed_in(reviewer), f"/claims/{disputed.pk}/")
    assert "Mark ready" not in html
    assert "they are disputed, so an editor decides" in html
    agreed = ClaimFactory.create()
    rate(agreed, Verdict.TRUE, Verdict.TRUE)
    assert "Mark ready" in html_of(signed_in(reviewer), f"/claims/{agreed.pk}/")


def _publish(client: Client, claim: Claim, **extra: str):  # type: ignore[no-untyped-def]
    data = {"verdict": "false", "rationale": "The report says so.", **extra}
    return client.post(f"/claims/{claim.pk}/publish/", data)


def test_publishing_without_evidence_or_sources_asks_to_confirm(editor) -> None:
    claim = ClaimFactory.create()
    rate(claim, Verdict.FALSE, Verdict.FALSE)
    make_ready(claim, editor)
    client = signed_in(editor)
    assert "Publish without evidence" in html_of(client, f"/claims/{claim.pk}/")

    page = f"/claims/{claim.pk}/"
    data = {"verdict": "false", "rationale": "The report says so."}
    refused = failed_post(client, f"/claims/{claim.pk}/publish/", data, page=page)

    assert 'id="publish-confirm_no_evidence_errors"' in refused
    assert not Publication.objects.exists()
    assert _publish(client, claim, confirm_no_evidence="on").status_code == 302
    assert Publication.objects.get().claim == claim


def test_a_claim_with_evidence_is_published_without_confirming(editor) -> None:
    claim = ClaimFactory.create()
    EvidenceFactory.create(claim=claim)
    rate(claim, Verdict.FALSE, Verdict.FALSE)
    make_ready(claim, editor)
    client = signed_in(editor)
    assert "Publish without evidence" not in html_of(client, f"/claims/{claim.pk}/")
    assert _publish(client, claim).status_code == 302


def test_publishing_a_claim_of_a_draft_says_so_and_may_publish_the_article(editor) -> None:
    claim = ClaimFactory.create(article=ArticleFactory.create(status=ArticleStatus.DRAFT))
    EvidenceFactory.create(claim=claim)
    rate(claim, Verdict.FALSE, Verdict.FALSE)
    make_ready(claim, editor)
    client = signed_in(editor)
    html = html_of(client, f"/claims/{claim.pk}/")
    assert "The article is still a draft: the claim\u2019s public fact-check page appears" in html
    assert "Also publish the article" in html

    assert _publish(client, claim, publish_article="on").status_code == 302

    claim.article.refresh_from_db()
    assert claim.article.status == ArticleStatus.PUBLISHED
    assert f'href="/fact-checks/{claim.pk}/"' in html_of(client, f"/claims/{claim.pk}/")


def test_publishing_without_the_article_box_leaves_the_article_as_it_was(editor) -> None:
    claim = ClaimFactory.create(article=ArticleFactory.create(status=ArticleStatus.IN_REVIEW))
    EvidenceFactory.create(claim=claim)
    rate(claim, Verdict.FALSE, Verdict.FALSE)
    make_ready(claim, editor)
    client = signed_in(editor)
    assert "The article is still in review" in html_of(client, f"/claims/{claim.pk}/")
    assert _publish(client, claim).status_code == 302
    claim.article.refresh_from_db()
    assert claim.article.status == ArticleStatus.IN_REVIEW


def test_a_published_article_needs_no_word(editor) -> None:
    claim = ClaimFactory.create(article=ArticleFactory.create(status=ArticleStatus.PUBLISHED))
    rate(claim, Verdict.FALSE, Verdict.FALSE)
    make_ready(claim, editor)
    html = html_of(signed_in(editor), f"/claims/{claim.pk}/")
    assert "Also publish the article" not in html


# --- The same through the API ------------------------------------------------------------


def test_the_api_refuses_a_claim_without_evidence_unless_confirmed(editor_api, editor) -> None:
    claim = ClaimFactory.create()
    rate(claim, Verdict.FALSE, Verdict.FALSE)
    make_ready(claim, editor)
    url = f"/api/v1/claims/{claim.pk}/publish/"
    data = {"verdict": "false", "rationale": "No."}

    refused = editor_api.post(url, data, format="json")

    assert refused.status_code == 400
    assert "no evidence and cites no source" in refused.json()["errors"]["confirm_no_evidence"][0]
    assert not Publication.objects.exists()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.READY
    published = editor_api.post(url, {**data, "confirm_no_evidence": True}, format="json")
    assert published.status_code == 201


def test_the_api_may_publish_the_article_too(editor_api, editor) -> None:
    claim = ClaimFactory.create()
    EvidenceFactory.create(claim=claim)
    rate(claim, Verdict.FALSE, Verdict.FALSE)
    make_ready(claim, editor)
    response = editor_api.post(
        f"/api/v1/claims/{claim.pk}/publish/",
        {"verdict": "false", "rationale": "No.", "publish_article": True},
        format="json",
    )
    assert response.status_code == 201
    claim.article.refresh_from_db()
    assert claim.article.status == ArticleStatus.PUBLISHED


def test_a_reviewer_cannot_publish_even_confirmed(reviewer_api, editor) -> None:
    claim = ClaimFactory.create()
    rate(claim, Verdict.FALSE, Verdict.FALSE)
    make_ready(claim, editor)
    response = reviewer_api.post(
        f"/api/v1/claims/{claim.pk}/publish/",
        {
            "verdict": "false",
            "rationale": "No.",
            "confirm_no_evidence": True,
            "publish_article": True,
        },
        format="json",
    )
    assert response.status_code == 403
    assert not Publication.objects.exists()
    claim.article.refresh_from_db()
    assert claim.article.status == ArticleStatus.DRAFT
