"""A claim's consensus from its ratings (``editorial.consensus``): pure rules, no database."""

from __future__ import annotations

import pytest

from claims.models import VERDICT_ORDINALS
from editorial.consensus import Consensus, consensus_of, ordinal_median
from editorial.models import ConsensusState


def consensus(*verdicts: str, min_ratings: int = 2, min_agreement: float = 0.6) -> Consensus:
    return consensus_of(
        verdicts, ordinals=VERDICT_ORDINALS, min_ratings=min_ratings, min_agreement=min_agreement
    )


def test_no_ratings_need_ratings() -> None:
    assert consensus() == Consensus(ConsensusState.NEEDS_RATINGS, None, None, 0)


def test_fewer_ratings_than_the_minimum_need_ratings_even_if_they_agree() -> None:
    assert consensus("true") == Consensus(ConsensusState.NEEDS_RATINGS, None, None, 1)
    assert consensus("true", "true", min_ratings=3).state == ConsensusState.NEEDS_RATINGS


def test_the_minimum_reached_gives_a_consensus() -> None:
    assert consensus("true", "true") == Consensus(ConsensusState.CONSENSUS, "true", 1.0, 2)
    assert consensus("false", min_ratings=1) == Consensus(ConsensusState.CONSENSUS, "false", 1.0, 1)


def test_the_consensus_of_ordinal_verdicts_is_their_median() -> None:
    result = consensus("true", "mostly_true", "mostly_true", "mixed", "false")

    assert result.verdict == "mostly_true"
    # true, mostly_true x2 and mixed are within one step of mostly_true; false is not.
    assert result.agreement == pytest.approx(4 / 5)
    assert result.state == ConsensusState.CONSENSUS


def test_ratings_one_step_apart_agree_two_steps_apart_do_not() -> None:
    assert consensus("true", "mostly_true").state == ConsensusState.CONSENSUS
    assert consensus("true", "mostly_true", "mostly_false").agreement == pytest.approx(2 / 3)
    assert consensus("true", "mixed", "mixed").agreement == pytest.approx(2 / 3)


def test_agreement_below_the_threshold_is_disputed_with_the_leading_verdict() -> None:
    result = consensus("true", "mostly_true", "mostly_false", "false")

    # Middle values 4 and 2: the median is 3 (mixed), backed by mostly_true and mostly_false.
    assert result == Consensus(ConsensusState.DISPUTED, "mixed", 0.5, 4)


def test_agreement_exactly_at_the_threshold_is_a_consensus() -> None:
    result = consensus("true", "true", "true", "false", "false", min_agreement=0.6)

    assert (result.state, result.verdict, result.agreement) == (
        ConsensusState.CONSENSUS,
        "true",
        0.6,
    )


def test_a_tie_between_the_two_middle_ratings_goes_toward_mixed() -> None:
    assert consensus("true", "mostly_true").verdict == "mostly_true"
    assert consensus("false", "mostly_false").verdict == "mostly_false"
    assert consensus("true", "mixed").verdict == "mostly_true"
    assert consensus("true", "false").verdict == "mixed"
    assert consensus("true", "false").state == ConsensusState.DISPUTED


@pytest.mark.parametrize(
    ("scores", "median"),
    [([1], 1), ([1, 2, 5], 2), ([4, 5], 4), ([1, 2], 2), ([2, 4], 3), ([3, 4], 3), ([1, 5], 3)],
)
def test_the_median_rounds_half_way_values_toward_the_middle_of_the_scale(
    scores: list[int], median: int
) -> None:
    assert ordinal_median(scores, center=3) == median


def test_categorical_verdicts_win_by_plurality() -> None:
    result = consensus("misleading", "misleading", "opinion")

    assert (result.state, result.verdict, result.ratings) == (
        ConsensusState.CONSENSUS,
        "misleading",
        3,
    )
    assert result.agreement == pytest.approx(2 / 3)


def test_a_tie_between_categorical_verdicts_is_disputed_without_a_verdict() -> None:
    assert consensus("misleading", "opinion") == Consensus(ConsensusState.DISPUTED, None, 0.5, 2)


def test_in_a_mixed_set_the_ordinal_median_competes_with_each_categorical_verdict() -> None:
    # The ordinal ratings back "true" three times; "misleading" has two votes.
    ordinal_wins = consensus("true", "true", "mostly_true", "misleading", "misleading")
    # "misleading" has three votes; the ordinal ratings back "false" twice.
    categorical_wins = consensus("misleading", "misleading", "misleading", "false", "false")

    assert ordinal_wins == Consensus(ConsensusState.CONSENSUS, "true", 0.6, 5)
    assert categorical_wins == Consensus(ConsensusState.CONSENSUS, "misleading", 0.6, 5)


def test_categorical_ratings_count_against_an_ordinal_consensus() -> None:
    result = consensus("true", "true", "unverifiable", "opinion")

    assert (result.state, result.verdict, result.agreement) == (
        ConsensusState.DISPUTED,
        "true",
        0.5,
    )


def test_a_tie_between_the_ordinal_median_and_a_categorical_verdict_is_disputed() -> None:
    assert consensus("true", "mostly_true", "misleading", "misleading") == Consensus(
        ConsensusState.DISPUTED, None, 0.5, 4
    )


def test_every_state_the_rules_give_is_one_the_database_stores() -> None:
    given = {
        consensus().state,
        consensus("true", "true").state,
        consensus("true", "false").state,
    }

    assert given == set(ConsensusState.values)
