"""The stored consensus follows every rating change, and can be recomputed."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from claims.models import Verdict
from editorial.models import ClaimConsensus, ConsensusState
from editorial.services.ratings import rating_submit, rating_withdraw
from tests.factories import ClaimFactory, RatingFactory
from tests.workflow import rate

pytestmark = pytest.mark.django_db


def stored(claim_id: int) -> tuple[str, str, float | None, int]:
    consensus = ClaimConsensus.objects.get(claim_id=claim_id)
    return consensus.state, consensus.verdict, consensus.agreement, consensus.ratings_count


def test_the_first_rating_stores_that_more_ratings_are_needed() -> None:
    claim = ClaimFactory.create()

    rate(claim, Verdict.TRUE)

    assert stored(claim.pk) == (ConsensusState.NEEDS_RATINGS, "", None, 1)


def test_the_second_agreeing_rating_stores_a_consensus() -> None:
    claim = ClaimFactory.create()

    rate(claim, Verdict.TRUE, Verdict.MOSTLY_TRUE)

    assert stored(claim.pk) == (ConsensusState.CONSENSUS, Verdict.MOSTLY_TRUE, 1.0, 2)


def test_changing_a_rating_recomputes_the_consensus() -> None:
    claim = ClaimFactory.create()
    first, _second = rate(claim, Verdict.TRUE, Verdict.TRUE)

    rating_submit(claim=claim, reviewer=first, verdict=Verdict.FALSE, rationale="On reflection.")

    assert stored(claim.pk) == (ConsensusState.DISPUTED, Verdict.MIXED, 0.0, 2)


def test_withdrawing_a_rating_recomputes_the_consensus() -> None:
    claim = ClaimFactory.create()
    first, _second = rate(claim, Verdict.TRUE, Verdict.TRUE)

    rating_withdraw(claim=claim, reviewer=first)

    assert stored(claim.pk) == (ConsensusState.NEEDS_RATINGS, "", None, 1)


def test_the_settings_decide_the_minimum_and_the_threshold(settings) -> None:
    settings.CONSENSUS_MIN_RATINGS = 3
    settings.CONSENSUS_MIN_AGREEMENT = 0.9
    two, three = ClaimFactory.create(), ClaimFactory.create()

    rate(two, Verdict.TRUE, Verdict.TRUE)
    rate(three, Verdict.TRUE, Verdict.TRUE, Verdict.MIXED)

    assert stored(two.pk)[0] == ConsensusState.NEEDS_RATINGS
    assert stored(three.pk)[:2] == (ConsensusState.DISPUTED, Verdict.TRUE)


def test_the_command_recomputes_every_rated_claim(settings) -> None:
    claim = ClaimFactory.create()
    RatingFactory.create_batch(2, claim=claim, verdict=Verdict.FALSE)  # no service: nothing stored
    rate(other := ClaimFactory.create(), Verdict.TRUE, Verdict.TRUE)
    settings.CONSENSUS_MIN_RATINGS = 3

    call_command("recompute_consensus", verbosity=0)

    assert stored(claim.pk) == (ConsensusState.NEEDS_RATINGS, "", None, 2)
    assert stored(other.pk)[0] == ConsensusState.NEEDS_RATINGS


def test_a_claim_without_a_stored_consensus_reads_as_needing_ratings(editor_api) -> None:
    claim = ClaimFactory.create()

    body = editor_api.get(f"/api/v1/claims/{claim.pk}/").json()

    assert body["consensus"] == {
        "state": "needs_ratings",
        "verdict": None,
        "agreement": None,
        "ratings": 0,
    }
    assert body["published_verdict"] is None


def test_the_claims_list_and_detail_carry_the_consensus(editor_api) -> None:
    claim = ClaimFactory.create()
    rate(claim, Verdict.FALSE, Verdict.FALSE, Verdict.MOSTLY_FALSE)

    listed = editor_api.get("/api/v1/claims/").json()["results"][0]
    detail = editor_api.get(f"/api/v1/claims/{claim.pk}/").json()

    expected = {"state": "consensus", "verdict": "false", "agreement": 1.0, "ratings": 3}
    assert listed["consensus"] == detail["consensus"] == expected
