"""Krippendorff's alpha, checked against his own worked example, and an article's alpha."""

from __future__ import annotations

import pytest

from claims.models import Claim, Verdict
from editorial.consensus import krippendorff_alpha
from editorial.selectors import article_alpha
from tests.factories import ArticleFactory, ClaimFactory
from tests.workflow import rate

# Krippendorff, "Computing Krippendorff's Alpha-Reliability" (2011), the reliability data
# with missing values: 4 observers (rows) coding 12 units (columns); None is missing.
WORKED_EXAMPLE = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]


def units(matrix: list[list[int | None]]) -> list[list[int]]:
    """Columns of an observers x units matrix, without the missing values."""
    columns = [[row[u] for row in matrix] for u in range(len(matrix[0]))]
    return [[value for value in column if value is not None] for column in columns]


@pytest.mark.parametrize(
    ("metric", "published"), [("ordinal", 0.815), ("interval", 0.849), ("nominal", 0.743)]
)
def test_alpha_matches_krippendorffs_worked_example_to_three_decimals(
    metric: str, published: float
) -> None:
    alpha = krippendorff_alpha(units(WORKED_EXAMPLE), metric=metric)  # type: ignore[arg-type]

    assert alpha is not None
    assert round(alpha, 3) == published


def test_perfect_agreement_is_one() -> None:
    assert krippendorff_alpha([[1, 1], [3, 3, 3], [5, 5]], metric="ordinal") == 1.0


def test_units_with_a_single_value_are_not_pairable_and_change_nothing() -> None:
    with_singles = [*units(WORKED_EXAMPLE), [4], [2]]

    assert krippendorff_alpha(with_singles, metric="ordinal") == krippendorff_alpha(
        units(WORKED_EXAMPLE), metric="ordinal"
    )


def test_alpha_is_undefined_without_pairable_values_or_without_variation() -> None:
    assert krippendorff_alpha([], metric="ordinal") is None
    assert krippendorff_alpha([[3], [4]], metric="ordinal") is None
    assert krippendorff_alpha([[3, 3], [3, 3, 3]], metric="ordinal") is None


def test_systematic_disagreement_is_below_zero() -> None:
    assert krippendorff_alpha([[1, 5], [5, 1], [1, 5]], metric="ordinal") < 0  # type: ignore[operator]


@pytest.mark.django_db
def test_an_articles_alpha_uses_its_claims_ordinal_ratings_and_leaves_out_the_rest() -> None:
    article = ArticleFactory.create()
    verdicts = {1: "true", 2: "mostly_true", 3: "mixed", 4: "mostly_false", 5: "false"}
    for offset, column in enumerate(units(WORKED_EXAMPLE)):
        claim = ClaimFactory.create(article=article, start=offset, end=offset + 5)
        rate(claim, *(verdicts[value] for value in column))
    # Categorical ratings are not on the scale: they change nothing.
    rate(Claim.objects.filter(article=article).first(), Verdict.OPINION, Verdict.MISLEADING)  # type: ignore[arg-type]
    # Another article's ratings do not count.
    rate(ClaimFactory.create(), Verdict.TRUE, Verdict.FALSE)

    alpha = article_alpha(claims=Claim.objects.filter(article=article))

    assert alpha is not None
    # The scale runs the other way (true is 5), which ordinal alpha does not mind.
    assert round(alpha, 3) == 0.815
