"""Corrections over the REST API: a claim's passage, kind and sources, deleting it;
evidence, comments, source URLs in any status, article details. Each refusal is a 4xx
with a sentence, and changes nothing."""

from __future__ import annotations

from datetime import date

import pytest

from claims.models import (
    Article,
    ArticleStatus,
    Claim,
    ClaimKind,
    Evidence,
    Rating,
    Source,
    SourceStatus,
)
from editorial.models import ClaimConsensus, Comment
from editorial.services.ratings import rating_submit
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    EvidenceFactory,
    RatingFactory,
    SnapshotFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

NEW_URL = "https://parks.example/report-2023"


def claim_url(claim: Claim) -> str:
    return f"/api/v1/claims/{claim.pk}/"


def span_of(claim: Claim) -> tuple[int, int, str, str, str]:
    claim.refresh_from_db()
    return (claim.start, claim.end, claim.quote, claim.prefix, claim.suffix)


# --- Claims ----------------------------------------------------------------------------


def test_patching_start_and_end_moves_the_claim_and_takes_its_quote_again(
    reviewer_api, reviewer
) -> None:
    claim = ClaimFactory.create(created_by=reviewer, start=0, end=8)
    text = claim.article.text
    start = text.index("Critics say")

    response = reviewer_api.patch(
        claim_url(claim), {"start": start, "end": start + 11}, format="json"
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["start"], body["end"], body["quote"]) == (start, start + 11, "Critics say")
    assert body["prefix"] == text[start - 32 : start]
    assert span_of(claim)[:3] == (start, start + 11, "Critics say")


def test_kind_sources_and_passage_change_in_one_patch(reviewer_api, reviewer) -> None:
    claim = ClaimFactory.create(created_by=reviewer, start=0, end=8)
    source = SourceFactory.create(article=claim.article)

    response = reviewer_api.patch(
        claim_url(claim),
        {"kind": "quote", "sources": [source.pk], "start": 9, "end": 16},
        format="json",
    )

    assert response.status_code == 200, response.json()
    claim.refresh_from_db()
    assert (claim.kind, claim.start, claim.end) == (ClaimKind.QUOTE, 9, 16)
    assert list(claim.sources.all()) == [source]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"start": 3}, "both"),
        ({"start": 5, "end": 5}, "cover nothing"),
        ({"start": 0, "end": 100_000}, "outside the article"),
        ({"start": -1, "end": 4}, "greater than or equal to 0"),
        ({"start": "a", "end": 4}, "valid integer"),
    ],
)
def test_a_bad_passage_is_a_400_and_nothing_changes(
    reviewer_api, reviewer, body: dict, message: str
) -> None:
    claim = ClaimFactory.create(created_by=reviewer, start=0, end=8)
    before = span_of(claim)

    response = reviewer_api.patch(claim_url(claim), body, format="json")

    assert response.status_code == 400
    assert message in str(response.json())
    assert span_of(claim) == before


def test_moving_onto_another_claims_passage_is_a_400(reviewer_api, reviewer) -> None:
    first = ClaimFactory.create(created_by=reviewer, start=0, end=8)
    second = ClaimFactory.create(article=first.article, created_by=reviewer, start=9, end=16)
    before = span_of(second)

    response = reviewer_api.patch(claim_url(second), {"start": 0, "end": 8}, format="json")

    assert response.status_code == 400
    assert "already exists" in response.json()["detail"]
    assert span_of(second) == before


def test_another_reviewer_may_not_move_or_change_a_claim(second_reviewer_api, reviewer) -> None:
    claim = ClaimFactory.create(created_by=reviewer, start=0, end=8)
    before = (span_of(claim), claim.kind)

    moved = second_reviewer_api.patch(claim_url(claim), {"start": 9, "end": 16}, format="json")
    kind = second_reviewer_api.patch(claim_url(claim), {"kind": "opinion"}, format="json")

    assert (moved.status_code, kind.status_code) == (403, 403)
    assert "reviewer who marked this claim" in moved.json()["detail"]
    claim.refresh_from_db()
    assert (span_of(claim), claim.kind) == before


def test_the_creator_may_not_move_a_rated_claim_but_an_editor_may(
    reviewer_api, editor_api, reviewer
) -> None:
    claim = ClaimFactory.create(created_by=reviewer, start=0, end=8)
    RatingFactory.create(claim=claim)
    before = span_of(claim)

    refused = reviewer_api.patch(claim_url(claim), {"start": 9, "end": 16}, format="json")
    assert refused.status_code == 403
    assert "only editors may move it" in refused.json()["detail"]
    assert span_of(claim) == before

    done = editor_api.patch(claim_url(claim), {"start": 9, "end": 16}, format="json")
    assert done.status_code == 200
    assert span_of(claim)[:2] == (9, 16)


def test_the_creator_deletes_an_unrated_claim_and_history_names_them(
    reviewer_api, second_reviewer_api, reviewer
) -> None:
    claim = ClaimFactory.create(created_by=reviewer)
    pk = claim.pk

    refused = second_reviewer_api.delete(claim_url(claim))
    assert refused.status_code == 403
    assert Claim.objects.filter(pk=pk).exists()

    assert reviewer_api.delete(claim_url(claim)).status_code == 204
    assert not Claim.objects.filter(pk=pk).exists()
    record = Claim.history.filter(id=pk).latest()
    assert (record.history_type, record.history_user) == ("-", reviewer)


def test_a_rated_claim_is_deleted_by_editors_only(reviewer_api, editor_api, reviewer) -> None:
    claim = ClaimFactory.create(created_by=reviewer)
    RatingFactory.create(claim=claim)

    assert reviewer_api.delete(claim_url(claim)).status_code == 403
    assert Claim.objects.filter(pk=claim.pk).exists()
    assert editor_api.delete(claim_url(claim)).status_code == 204
    assert not Rating.objects.filter(claim_id=claim.pk).exists()


# --- Evidence ----------------------------------------------------------------------------


def evidence_url(evidence: Evidence) -> str:
    return f"/api/v1/claims/{evidence.claim_id}/evidence/{evidence.pk}/"


def test_a_new_evidence_url_is_fetched_afresh(reviewer_api, reviewer) -> None:
    evidence = EvidenceFactory.create(
        author=reviewer, status=SourceStatus.DEAD, status_detail="HTTP 404", fetch_attempts=3
    )

    response = reviewer_api.patch(evidence_url(evidence), {"url": NEW_URL}, format="json")

    assert response.status_code == 200
    assert (response.json()["url"], response.json()["status"]) == (NEW_URL, "pending")
    evidence.refresh_from_db()
    assert (evidence.status_detail, evidence.fetch_attempts) == ("", 0)


def test_another_reviewer_may_not_change_or_delete_evidence(second_reviewer_api, reviewer) -> None:
    evidence = EvidenceFactory.create(author=reviewer, note="")

    changed = second_reviewer_api.patch(evidence_url(evidence), {"note": "Mine."}, format="json")
    deleted = second_reviewer_api.delete(evidence_url(evidence))

    assert (changed.status_code, deleted.status_code) == (403, 403)
    assert "Only its author and editors" in changed.json()["detail"]
    evidence.refresh_from_db()
    assert evidence.note == ""


def test_an_editor_corrects_and_deletes_anyones_evidence(editor_api, editor, reviewer) -> None:
    evidence = EvidenceFactory.create(author=reviewer)

    changed = editor_api.patch(evidence_url(evidence), {"stance": "refutes"}, format="json")
    assert changed.status_code == 200
    evidence.refresh_from_db()
    assert evidence.stance == "refutes"
    assert evidence.history.latest().history_user == editor

    pk = evidence.pk
    assert editor_api.delete(evidence_url(evidence)).status_code == 204
    record = Evidence.history.filter(id=pk).latest()
    assert (record.history_type, record.history_user) == ("-", editor)


def test_an_invalid_evidence_url_is_a_400(reviewer_api, reviewer) -> None:
    evidence = EvidenceFactory.create(author=reviewer)
    url = evidence.url

    response = reviewer_api.patch(evidence_url(evidence), {"url": "ftp://x"}, format="json")

    assert response.status_code == 400
    evidence.refresh_from_db()
    assert evidence.url == url


# --- Comments ----------------------------------------------------------------------------


def comment_url(comment: Comment) -> str:
    return f"/api/v1/claims/{comment.claim_id}/comments/{comment.pk}/"


def test_the_author_edits_a_comment_and_it_says_when(reviewer_api, reviewer) -> None:
    comment = Comment.objects.create(claim=ClaimFactory.create(), author=reviewer, body="Hm.")

    response = reviewer_api.patch(comment_url(comment), {"body": "Which report?"}, format="json")

    assert response.status_code == 200
    body = response.json()
    assert body["body"] == "Which report?"
    assert body["edited_at"] is not None
    listed = reviewer_api.get(f"/api/v1/claims/{comment.claim_id}/comments/").json()
    assert listed["results"][0]["edited_at"] == body["edited_at"]


def test_an_empty_comment_is_a_400(reviewer_api, reviewer) -> None:
    comment = Comment.objects.create(claim=ClaimFactory.create(), author=reviewer, body="Hm.")

    response = reviewer_api.patch(comment_url(comment), {"body": "  "}, format="json")

    assert response.status_code == 400
    comment.refresh_from_db()
    assert (comment.body, comment.edited_at) == ("Hm.", None)


def test_another_reviewer_may_not_edit_or_delete_a_comment(second_reviewer_api, reviewer) -> None:
    comment = Comment.objects.create(claim=ClaimFactory.create(), author=reviewer, body="Hm.")

    edited = second_reviewer_api.patch(comment_url(comment), {"body": "No."}, format="json")
    deleted = second_reviewer_api.delete(comment_url(comment))

    assert (edited.status_code, deleted.status_code) == (403, 403)
    assert "Only its author and editors" in edited.json()["detail"]
    comment.refresh_from_db()
    assert (comment.body, comment.edited_at) == ("Hm.", None)


def test_an_editor_deletes_a_comment(editor_api, reviewer) -> None:
    comment = Comment.objects.create(claim=ClaimFactory.create(), author=reviewer, body="Hm.")

    assert editor_api.delete(comment_url(comment)).status_code == 204
    assert not Comment.objects.filter(pk=comment.pk).exists()


def test_a_comment_is_only_found_under_its_own_claim(reviewer_api, reviewer) -> None:
    comment = Comment.objects.create(claim=ClaimFactory.create(), author=reviewer, body="Hm.")
    other = ClaimFactory.create()

    response = reviewer_api.patch(
        f"/api/v1/claims/{other.pk}/comments/{comment.pk}/", {"body": "No."}, format="json"
    )

    assert response.status_code == 404
    comment.refresh_from_db()
    assert comment.body == "Hm."


def test_visitors_may_not_touch_comments(api, reviewer) -> None:
    comment = Comment.objects.create(claim=ClaimFactory.create(), author=reviewer, body="Hm.")

    assert api.patch(comment_url(comment), {"body": "x"}, format="json").status_code == 401
    assert api.delete(comment_url(comment)).status_code == 401
    assert Comment.objects.filter(pk=comment.pk, body="Hm.").exists()


# --- Ratings -----------------------------------------------------------------------------


def test_withdrawing_my_rating_updates_the_consensus(
    reviewer_api, editor_api, reviewer, second_reviewer
) -> None:
    claim = ClaimFactory.create()
    rating_submit(claim=claim, reviewer=reviewer, verdict="false", rationale="No.")
    rating_submit(claim=claim, reviewer=second_reviewer, verdict="true", rationale="Yes.")

    response = reviewer_api.delete(f"/api/v1/claims/{claim.pk}/my-rating/")

    assert response.status_code == 204
    consensus = ClaimConsensus.objects.get(claim=claim)
    assert consensus.ratings_count == 1
    detail = reviewer_api.get(claim_url(claim)).json()
    assert detail["my_rating"] is None
    # Having no rating any more, the reviewer no longer sees the others' (independent
    # ratings); an editor sees what is left.
    assert (detail["ratings_summary"], detail["consensus_hidden"]) == (None, True)
    assert editor_api.get(claim_url(claim)).json()["ratings_summary"] == {"true": 1}


# --- Sources -----------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["ok", "dead", "failed", "blocked", "fetching", "pending"])
def test_a_sources_url_is_corrected_in_any_status(reviewer_api, reviewer, status: str) -> None:
    source = SourceFactory.create(
        article=ArticleFactory.create(imported_by=reviewer), status=status
    )
    snapshot = SnapshotFactory.create(source=source)

    response = reviewer_api.patch(f"/api/v1/sources/{source.pk}/", {"url": NEW_URL}, format="json")

    assert response.status_code == 200
    assert (response.json()["url"], response.json()["status"]) == (NEW_URL, "pending")
    assert list(source.snapshots.all()) == [snapshot]


def test_correcting_a_source_to_its_own_url_is_idempotent(reviewer_api, reviewer) -> None:
    source = SourceFactory.create(
        article=ArticleFactory.create(imported_by=reviewer), status=SourceStatus.OK
    )

    for _ in range(2):
        response = reviewer_api.patch(
            f"/api/v1/sources/{source.pk}/", {"url": source.url}, format="json"
        )
        assert response.status_code == 200
        assert response.json()["status"] == "ok"


def test_sources_of_anothers_or_a_published_article_are_not_a_reviewers_to_correct(
    reviewer_api, reviewer
) -> None:
    theirs = SourceFactory.create(status=SourceStatus.OK)
    published = SourceFactory.create(
        article=ArticleFactory.create(imported_by=reviewer, status=ArticleStatus.PUBLISHED),
        status=SourceStatus.DEAD,
    )

    for source in (theirs, published):
        before = (source.url, source.status)
        response = reviewer_api.patch(
            f"/api/v1/sources/{source.pk}/", {"url": NEW_URL}, format="json"
        )
        assert response.status_code == 403
        source.refresh_from_db()
        assert (source.url, source.status) == before
    assert "published" in response.json()["detail"]


def test_a_source_url_that_is_not_one_is_a_400(reviewer_api, reviewer) -> None:
    source = SourceFactory.create(
        article=ArticleFactory.create(imported_by=reviewer), status=SourceStatus.OK
    )

    response = reviewer_api.patch(
        f"/api/v1/sources/{source.pk}/", {"url": "javascript:alert(1)"}, format="json"
    )

    assert response.status_code == 400
    assert Source.objects.get(pk=source.pk).status == SourceStatus.OK


# --- Articles ----------------------------------------------------------------------------


def test_an_import_takes_its_details(reviewer_api) -> None:
    response = reviewer_api.post(
        "/api/v1/articles/",
        {
            "body": "# Trees\n\nThe city planted trees.\n",
            "url": "https://gazette.example/trees",
            "byline": "A. Writer",
            "publisher": "The Gazette",
            "published_on": "2024-03-01",
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["url"], body["byline"], body["publisher"], body["published_on"]) == (
        "https://gazette.example/trees",
        "A. Writer",
        "The Gazette",
        "2024-03-01",
    )


def test_an_import_with_a_date_that_is_not_one_is_a_400(reviewer_api) -> None:
    response = reviewer_api.post(
        "/api/v1/articles/",
        {"body": "# Trees\n\nThe city planted trees.\n", "published_on": "1 March"},
        format="json",
    )

    assert response.status_code == 400
    assert "published_on" in response.json()["errors"]
    assert not Article.objects.exists()


def test_any_reviewer_corrects_an_unpublished_articles_details(second_reviewer_api) -> None:
    article = ArticleFactory.create()

    response = second_reviewer_api.patch(
        f"/api/v1/articles/{article.pk}/",
        {
            "byline": "A. Writer",
            "publisher": "The Gazette",
            "url": "https://gazette.example/trees",
            "published_on": "2024-03-01",
        },
        format="json",
    )

    assert response.status_code == 200, response.json()
    article.refresh_from_db()
    assert (article.byline, article.published_on) == ("A. Writer", date(2024, 3, 1))


def test_a_published_articles_details_are_corrected_by_editors_only(
    reviewer_api, editor_api, reviewer
) -> None:
    article = ArticleFactory.create(imported_by=reviewer, status=ArticleStatus.PUBLISHED)

    refused = reviewer_api.patch(
        f"/api/v1/articles/{article.pk}/", {"byline": "Someone"}, format="json"
    )
    assert refused.status_code == 403
    assert "only editors may correct its details" in refused.json()["detail"]
    article.refresh_from_db()
    assert article.byline == ""

    done = editor_api.patch(f"/api/v1/articles/{article.pk}/", {"byline": "A."}, format="json")
    assert done.status_code == 200


def test_an_empty_title_or_a_bad_url_is_a_400(reviewer_api) -> None:
    article = ArticleFactory.create()
    title = article.title

    for body in ({"title": ""}, {"url": "not a url"}):
        response = reviewer_api.patch(f"/api/v1/articles/{article.pk}/", body, format="json")
        assert response.status_code == 400, body
    article.refresh_from_db()
    assert (article.title, article.url) == (title, "")
