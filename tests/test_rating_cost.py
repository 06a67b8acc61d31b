"""A rating costs the same queries whatever the number of ratings its claim already has."""

from __future__ import annotations

import factory
import pytest

from claims.models import Claim, ClaimStatus, Verdict
from editorial.services.consensus import consensus_refresh
from editorial.services.ratings import rating_submit
from tests.factories import ClaimFactory, RatingFactory, UserFactory

pytestmark = pytest.mark.django_db


def claim_under_review(ratings: int) -> Claim:
    """A claim in review with ``ratings`` ratings of every verdict and their consensus."""
    claim = ClaimFactory.create(status=ClaimStatus.IN_REVIEW)
    RatingFactory.create_batch(ratings, claim=claim, verdict=factory.Iterator(Verdict.values))
    consensus_refresh(claim=claim)
    return claim


def queries_of_a_rating(claim: Claim, reviewer, verdict: str) -> int:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        rating_submit(claim=claim, reviewer=reviewer, verdict=verdict, rationale="Checked.")
    return len(queries)


def test_a_new_rating_costs_the_same_queries_at_1_and_50_ratings() -> None:
    few, many = claim_under_review(1), claim_under_review(50)

    counts = {
        queries_of_a_rating(claim, UserFactory.create(roles=["reviewer"]), Verdict.TRUE)
        for claim in (few, many)
    }

    assert len(counts) == 1, counts
    assert many.consensus.ratings_count == 51  # type: ignore[attr-defined]


def test_changing_a_rating_costs_the_same_queries_at_1_and_50_ratings(
    django_assert_num_queries,
) -> None:
    few, many = claim_under_review(1), claim_under_review(50)
    first = queries_of_a_rating(few, few.ratings.get().reviewer, Verdict.FALSE)
    reviewer = many.ratings.select_related("reviewer").first().reviewer  # type: ignore[union-attr]

    with django_assert_num_queries(first):
        rating_submit(claim=many, reviewer=reviewer, verdict=Verdict.FALSE, rationale="No.")
