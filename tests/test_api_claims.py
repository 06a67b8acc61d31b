"""Claims over the REST API: mark (by quote or offsets), list and filter, detail, change, delete."""

from __future__ import annotations

import pytest

from claims.models import Claim, ClaimKind, ClaimStatus, SourceStatus, Verdict
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    EvidenceFactory,
    RatingFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

CLAIMS = "/api/v1/claims/"
CONTRACT_FIELDS = {
    "id",
    "article",
    "quote",
    "start",
    "end",
    "prefix",
    "suffix",
    "kind",
    "status",
    "sources",
}


def test_a_claim_marked_by_its_quote_gets_its_offsets_from_the_server(
    reviewer_api, reviewer
) -> None:
    article = ArticleFactory.create()
    source = SourceFactory.create(article=article)
    quote = "planted 4,000 trees"
    start = article.text.index(quote)

    response = reviewer_api.post(
        CLAIMS,
        {"article": article.pk, "quote": quote, "kind": "factual", "sources": [source.pk]},
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert set(body) >= CONTRACT_FIELDS
    assert (body["start"], body["end"]) == (start, start + len(quote))
    assert body["quote"] == quote
    assert body["prefix"] == article.text[:start][-32:]
    assert body["suffix"] == article.text[start + len(quote) :][:32]
    assert body["kind"] == "factual"
    assert body["status"] == "open"
    assert body["sources"] == [source.pk]
    assert body["created_by"] == reviewer.username
    claim = Claim.objects.get(pk=body["id"])
    assert (claim.start, claim.end, claim.created_by) == (start, start + len(quote), reviewer)
    assert list(claim.sources.all()) == [source]


def test_a_claim_marked_by_offsets_takes_the_text_between_them(reviewer_api) -> None:
    article = ArticleFactory.create()

    response = reviewer_api.post(
        CLAIMS, {"article": article.pk, "start": 4, "end": 8, "kind": "opinion"}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["quote"] == article.text[4:8] == "city"
    assert response.json()["kind"] == "opinion"


def test_an_ambiguous_quote_is_refused_with_its_occurrences(reviewer_api) -> None:
    article = ArticleFactory.create()
    starts = [i for i in range(len(article.text)) if article.text.startswith("the ", i)]
    assert len(starts) > 1

    response = reviewer_api.post(CLAIMS, {"article": article.pk, "quote": "the"}, format="json")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "quote_ambiguous"
    assert f"appears {len(starts)} times" in body["detail"]
    assert [(o["start"], o["end"]) for o in body["occurrences"]] == [(i, i + 3) for i in starts]
    assert {"prefix", "suffix"} <= set(body["occurrences"][0])
    assert not Claim.objects.exists()


def test_a_quote_missing_from_the_article_is_refused(reviewer_api) -> None:
    article = ArticleFactory.create()

    response = reviewer_api.post(
        CLAIMS, {"article": article.pk, "quote": "planted 5,000 trees"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "quote_not_found"
    assert "does not appear" in response.json()["detail"]
    assert not Claim.objects.exists()


@pytest.mark.parametrize(
    ("start", "end"),
    [(5, 2), (5, 5), (0, 100_000), (100_000, 100_010)],
    ids=["reversed", "empty", "end-beyond-text", "start-beyond-text"],
)
def test_offsets_outside_the_text_are_refused(reviewer_api, start: int, end: int) -> None:
    article = ArticleFactory.create()

    response = reviewer_api.post(
        CLAIMS, {"article": article.pk, "start": start, "end": end}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "offsets_out_of_range"
    assert not Claim.objects.exists()


def test_a_claim_on_an_already_claimed_passage_is_refused(reviewer_api) -> None:
    claim = ClaimFactory.create(start=4, end=8)

    response = reviewer_api.post(
        CLAIMS, {"article": claim.article_id, "start": 4, "end": 8}, format="json"
    )

    assert response.status_code == 400
    assert "already exists" in response.json()["detail"]
    assert Claim.objects.count() == 1


def test_claims_filter_by_article_kind_and_status(reviewer_api) -> None:
    article = ArticleFactory.create()
    prediction = ClaimFactory.create(article=article, start=0, end=5, kind=ClaimKind.PREDICTION)
    ready = ClaimFactory.create(article=article, start=6, end=9, status=ClaimStatus.READY)
    elsewhere = ClaimFactory.create(start=0, end=5, kind=ClaimKind.PREDICTION)

    def ids(**params: object) -> set[int]:
        response = reviewer_api.get(CLAIMS, params)
        assert response.status_code == 200
        return {row["id"] for row in response.json()["results"]}

    assert ids(article=article.pk) == {prediction.pk, ready.pk}
    assert ids(kind="prediction") == {prediction.pk, elsewhere.pk}
    assert ids(article=article.pk, kind="prediction") == {prediction.pk}
    assert ids(status="ready") == {ready.pk}


def test_claims_filter_by_a_verdict_any_reviewer_gave(editor_api) -> None:
    false_once = ClaimFactory.create()
    RatingFactory.create(claim=false_once, verdict=Verdict.TRUE)
    RatingFactory.create(claim=false_once, verdict=Verdict.FALSE)
    only_true = ClaimFactory.create()
    RatingFactory.create(claim=only_true, verdict=Verdict.TRUE)

    false = editor_api.get(CLAIMS, {"rated_verdict": "false"}).json()["results"]
    true = editor_api.get(CLAIMS, {"rated_verdict": "true"}).json()["results"]

    assert [row["id"] for row in false] == [false_once.pk]
    assert {row["id"] for row in true} == {false_once.pk, only_true.pk}


def test_claims_filter_by_whether_i_have_rated_them(reviewer_api, reviewer) -> None:
    rated_by_me = ClaimFactory.create()
    RatingFactory.create(claim=rated_by_me, reviewer=reviewer)
    rated_by_others = ClaimFactory.create()
    RatingFactory.create(claim=rated_by_others)
    unrated = ClaimFactory.create()

    needs = reviewer_api.get(CLAIMS, {"needs_my_rating": "true"}).json()["results"]
    done = reviewer_api.get(CLAIMS, {"needs_my_rating": "false"}).json()["results"]

    assert {row["id"] for row in needs} == {rated_by_others.pk, unrated.pk}
    assert [row["id"] for row in done] == [rated_by_me.pk]
    assert done[0]["my_rating"] == "mostly_true"


def test_claims_are_ordered_as_asked(reviewer_api) -> None:
    few = ClaimFactory.create()
    many = ClaimFactory.create()
    RatingFactory.create_batch(2, claim=many)
    RatingFactory.create(claim=few)

    response = reviewer_api.get(CLAIMS, {"ordering": "-ratings_count"})

    assert [row["id"] for row in response.json()["results"]] == [many.pk, few.pk]


def test_claim_detail_has_its_paragraph_figures_and_ratings_summary(editor_api) -> None:
    article = ArticleFactory.create()
    start = article.text.index("Critics")
    claim = ClaimFactory.create(article=article, start=start, end=start + 7)
    source = SourceFactory.create(article=article)
    claim.sources.add(source)
    EvidenceFactory.create_batch(2, claim=claim, status=SourceStatus.PENDING)
    RatingFactory.create_batch(2, claim=claim, verdict=Verdict.FALSE)
    RatingFactory.create(claim=claim, verdict=Verdict.MIXED)

    response = editor_api.get(f"{CLAIMS}{claim.pk}/")

    assert response.status_code == 200
    body = response.json()
    assert body["paragraph"] == "Critics say the programme cost twice what was promised."
    assert body["sources"] == [source.pk]
    assert body["sources_count"] == 1
    assert body["evidence_count"] == 2
    assert body["ratings_count"] == 3
    assert body["ratings_summary"] == {"false": 2, "mixed": 1}
    assert body["my_rating"] is None


def test_the_author_changes_a_claims_kind_and_sources(reviewer_api, reviewer) -> None:
    claim = ClaimFactory.create(created_by=reviewer)
    first, second = SourceFactory.create_batch(2, article=claim.article)
    claim.sources.add(first)

    response = reviewer_api.patch(
        f"{CLAIMS}{claim.pk}/", {"kind": "quote", "sources": [second.pk]}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["kind"] == "quote"
    assert response.json()["sources"] == [second.pk]
    claim.refresh_from_db()
    assert claim.kind == ClaimKind.QUOTE
    assert list(claim.sources.all()) == [second]


def test_an_empty_patch_leaves_the_claim_as_it_is(reviewer_api, reviewer) -> None:
    claim = ClaimFactory.create(created_by=reviewer, kind=ClaimKind.OPINION)
    source = SourceFactory.create(article=claim.article)
    claim.sources.add(source)

    response = reviewer_api.patch(f"{CLAIMS}{claim.pk}/", {}, format="json")

    assert response.status_code == 200
    assert response.json()["kind"] == "opinion"
    assert response.json()["sources"] == [source.pk]


def test_sources_of_another_article_cannot_be_linked_to_a_claim(reviewer_api, reviewer) -> None:
    claim = ClaimFactory.create(created_by=reviewer)
    own = SourceFactory.create(article=claim.article)
    claim.sources.add(own)
    foreign = SourceFactory.create()

    response = reviewer_api.patch(
        f"{CLAIMS}{claim.pk}/", {"kind": "quote", "sources": [foreign.pk]}, format="json"
    )

    assert response.status_code == 400
    assert "another article" in response.json()["detail"]
    claim.refresh_from_db()
    assert claim.kind == ClaimKind.FACTUAL
    assert list(claim.sources.all()) == [own]


def test_the_author_deletes_an_unrated_claim(reviewer_api, reviewer) -> None:
    claim = ClaimFactory.create(created_by=reviewer)

    response = reviewer_api.delete(f"{CLAIMS}{claim.pk}/")

    assert response.status_code == 204
    assert not Claim.objects.filter(pk=claim.pk).exists()
