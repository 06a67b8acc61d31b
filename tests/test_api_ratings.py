"""Ratings over the REST API: everyone's list, and the caller's own rating (PUT/GET/DELETE)."""

from __future__ import annotations

import pytest

from claims.models import Confidence, Rating, Verdict
from tests.factories import ClaimFactory, RatingFactory

pytestmark = pytest.mark.django_db

CONTRACT_FIELDS = {"claim", "reviewer", "verdict", "confidence", "rationale"}


def my_rating(claim_id: int) -> str:
    return f"/api/v1/claims/{claim_id}/my-rating/"


def ratings(claim_id: int) -> str:
    return f"/api/v1/claims/{claim_id}/ratings/"


def test_the_first_put_creates_my_rating(reviewer_api, reviewer) -> None:
    claim = ClaimFactory.create()

    response = reviewer_api.put(
        my_rating(claim.pk),
        {"verdict": "mostly_false", "confidence": "high", "rationale": "The report says 3,950."},
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert set(body) >= CONTRACT_FIELDS
    assert body["claim"] == claim.pk
    assert body["reviewer"] == reviewer.username
    assert (body["verdict"], body["confidence"], body["rationale"]) == (
        "mostly_false",
        "high",
        "The report says 3,950.",
    )
    rating = Rating.objects.get(claim=claim, reviewer=reviewer)
    assert (rating.verdict, rating.confidence) == (Verdict.MOSTLY_FALSE, Confidence.HIGH)


def test_putting_again_updates_the_same_rating(reviewer_api, reviewer) -> None:
    claim = ClaimFactory.create()
    first = reviewer_api.put(
        my_rating(claim.pk), {"verdict": "true", "rationale": "Looks right."}, format="json"
    )

    second = reviewer_api.put(
        my_rating(claim.pk), {"verdict": "false", "rationale": "It is not."}, format="json"
    )
    third = reviewer_api.put(
        my_rating(claim.pk), {"verdict": "false", "rationale": "It is not."}, format="json"
    )

    assert second.status_code == third.status_code == 200
    assert first.json()["id"] == second.json()["id"] == third.json()["id"]
    assert third.json()["verdict"] == "false"
    assert third.json()["confidence"] == "medium"
    rating = Rating.objects.get(claim=claim, reviewer=reviewer)
    assert (rating.verdict, rating.rationale) == (Verdict.FALSE, "It is not.")


def test_i_read_back_my_rating(reviewer_api, reviewer) -> None:
    rating = RatingFactory.create(reviewer=reviewer, verdict=Verdict.MIXED)
    RatingFactory.create(claim=rating.claim)  # someone else's

    response = reviewer_api.get(my_rating(rating.claim_id))

    assert response.status_code == 200
    assert response.json()["id"] == rating.pk
    assert response.json()["verdict"] == "mixed"


def test_withdrawing_my_rating_deletes_it_once(reviewer_api, reviewer) -> None:
    rating = RatingFactory.create(reviewer=reviewer)
    others = RatingFactory.create(claim=rating.claim)

    withdrawn = reviewer_api.delete(my_rating(rating.claim_id))
    again = reviewer_api.delete(my_rating(rating.claim_id))
    read = reviewer_api.get(my_rating(rating.claim_id))

    assert withdrawn.status_code == 204
    assert again.status_code == read.status_code == 404
    assert again.json()["detail"]
    assert list(Rating.objects.all()) == [others]


def test_all_ratings_of_a_claim_are_listed(editor_api) -> None:
    claim = ClaimFactory.create()
    first = RatingFactory.create(claim=claim, verdict=Verdict.TRUE)
    second = RatingFactory.create(claim=claim, verdict=Verdict.FALSE)
    RatingFactory.create()  # another claim's

    response = editor_api.get(ratings(claim.pk))

    assert response.status_code == 200
    rows = response.json()["results"]
    assert [(row["id"], row["verdict"]) for row in rows] == [
        (first.pk, "true"),
        (second.pk, "false"),
    ]
    assert rows[0]["reviewer"] == first.reviewer.username
    assert set(rows[0]) >= CONTRACT_FIELDS


def test_ratings_are_ordered_as_asked(editor_api) -> None:
    claim = ClaimFactory.create()
    RatingFactory.create(claim=claim, verdict=Verdict.TRUE)
    RatingFactory.create(claim=claim, verdict=Verdict.FALSE)

    response = editor_api.get(ratings(claim.pk), {"ordering": "verdict"})

    assert [row["verdict"] for row in response.json()["results"]] == ["false", "true"]


def test_my_rating_shows_in_the_claims_summary(reviewer_api) -> None:
    claim = ClaimFactory.create()
    RatingFactory.create(claim=claim, verdict=Verdict.FALSE)

    reviewer_api.put(
        my_rating(claim.pk), {"verdict": "false", "rationale": "Agreed."}, format="json"
    )
    body = reviewer_api.get(f"/api/v1/claims/{claim.pk}/").json()

    assert body["ratings_summary"] == {"false": 2}
    assert body["my_rating"] == "false"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"verdict": "probably", "rationale": "Because."}, "verdict"),
        ({"verdict": "true", "rationale": ""}, "rationale"),
        ({"verdict": "true", "rationale": "   "}, "rationale"),
        ({"verdict": "true"}, "rationale"),
        ({"rationale": "Because."}, "verdict"),
        ({"verdict": "true", "rationale": "Because.", "confidence": "total"}, "confidence"),
    ],
    ids=[
        "unknown-verdict",
        "empty-rationale",
        "blank-rationale",
        "no-rationale",
        "no-verdict",
        "unknown-confidence",
    ],
)
def test_an_invalid_rating_is_refused_and_the_old_one_kept(
    reviewer_api, reviewer, payload: dict[str, str], field: str
) -> None:
    rating = RatingFactory.create(reviewer=reviewer, verdict=Verdict.TRUE)

    response = reviewer_api.put(my_rating(rating.claim_id), payload, format="json")

    assert response.status_code == 400
    assert field in response.json()["errors"]
    rating.refresh_from_db()
    assert rating.verdict == Verdict.TRUE


def test_rating_an_unknown_claim_is_a_404(reviewer_api) -> None:
    response = reviewer_api.put(
        my_rating(999_999), {"verdict": "true", "rationale": "x"}, format="json"
    )

    assert response.status_code == 404
    assert not Rating.objects.exists()
