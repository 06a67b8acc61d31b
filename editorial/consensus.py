"""Where reviewers agree: a claim's consensus, and Krippendorff's alpha over many claims.

Pure functions of verdicts and numbers (no Django), so the rules can be read and
tested on their own. The verdict scale is passed in (``claims.models.VERDICT_ORDINALS``):
verdicts in it are *ordinal* (``true`` 5 .. ``false`` 1), the others
(``misleading``, ``unverifiable``, ``opinion``) are *categorical*.

A claim's consensus
-------------------
- Fewer ratings than ``min_ratings``: ``needs_ratings``, no verdict, no agreement.
- Otherwise every verdict that could lead is a *candidate* with a *support*:

  - the ordinal ratings together put up one candidate, their median, backed by the
    ratings within one step of it (``mostly_true`` backs ``true``, ``mixed`` does not).
    With an even number of ordinal ratings whose two middle values differ, the
    median is their mean, and a mean that falls between two steps (4.5) is
    rounded toward the middle of the scale (``mixed``): ``true`` + ``mostly_true``
    gives ``mostly_true``, ``true`` + ``false`` gives ``mixed``.
  - each categorical verdict is a candidate backed by the ratings that chose it
    (plurality).

- The candidate with the most support leads; ``agreement`` is its support divided
  by *all* the claim's ratings, so categorical ratings count against an ordinal
  median and ordinal ratings against a categorical verdict. The state is
  ``consensus`` when ``agreement >= min_agreement``, else ``disputed``; a
  ``disputed`` claim still names its leading verdict.
- A tie for the most support (the ordinal median against a categorical verdict,
  or two categorical verdicts) is ``disputed`` with no verdict.

Krippendorff's alpha
--------------------
Computed from the coincidence matrix as in Krippendorff, "Computing Krippendorff's
Alpha-Reliability" (2011), for the nominal, ordinal and interval metrics. Units
are claims, coders are reviewers, values are the ordinal verdicts; categorical
verdicts have no place on that scale and are left out, as missing values are.
Units with fewer than two values are not pairable and are ignored. Alpha is
``None`` when nothing is pairable or when every value is the same (no
disagreement is possible, so reliability is undefined).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

# Float ratios such as 3/5 against a threshold of 0.6 must compare as equal.
_EPSILON = 1e-9


@dataclass(frozen=True)
class Consensus:
    # "needs_ratings", "disputed" or "consensus": the values of the stored
    # ``editorial.models.ConsensusState``, which this module (no Django) cannot import.
    state: str
    verdict: str | None  # the leading verdict; None below the minimum or on a tie
    agreement: float | None  # share of all the ratings that back the leading verdict
    ratings: int


def consensus_of(
    verdicts: Iterable[str],
    *,
    ordinals: Mapping[str, int],
    min_ratings: int,
    min_agreement: float,
) -> Consensus:
    verdicts = list(verdicts)
    total = len(verdicts)
    if total == 0 or total < min_ratings:
        return Consensus("needs_ratings", None, None, total)

    candidates: list[tuple[str, int]] = []
    scores = sorted(ordinals[verdict] for verdict in verdicts if verdict in ordinals)
    if scores:
        median = ordinal_median(scores, center=_center(ordinals))
        by_score = {score: verdict for verdict, score in ordinals.items()}
        support = sum(1 for score in scores if abs(score - median) <= 1)
        candidates.append((by_score[median], support))
    candidates.extend(Counter(v for v in verdicts if v not in ordinals).items())

    most = max(support for _, support in candidates)
    leaders = [verdict for verdict, support in candidates if support == most]
    agreement = most / total
    if len(leaders) > 1:
        return Consensus("disputed", None, agreement, total)
    reached = agreement + _EPSILON >= min_agreement
    return Consensus("consensus" if reached else "disputed", leaders[0], agreement, total)


def _center(ordinals: Mapping[str, int]) -> float:
    return (min(ordinals.values()) + max(ordinals.values())) / 2


def ordinal_median(scores: list[int], *, center: float) -> int:
    """The median of sorted whole-number scores; a half-way median goes toward ``center``."""
    middle = len(scores) // 2
    if len(scores) % 2:
        return scores[middle]
    mean = (scores[middle - 1] + scores[middle]) / 2
    if mean == int(mean):
        return int(mean)
    return math.floor(mean) if mean >= center else math.ceil(mean)


# --- Krippendorff's alpha -------------------------------------------------------

Metric = Literal["nominal", "ordinal", "interval"]
Value = Hashable


def krippendorff_alpha(units: Iterable[Iterable[Value]], *, metric: Metric) -> float | None:
    """Alpha for ``units``, each the values its coders gave (missing values left out).

    Values must be numbers for the ordinal and interval metrics (they are ranked
    or subtracted); any hashable will do for the nominal one.
    """
    coincidences: dict[tuple[Value, Value], float] = defaultdict(float)
    for unit in units:
        values = list(unit)
        pairable = len(values)
        if pairable < 2:
            continue
        counts = Counter(values)
        for c, n_c in counts.items():
            for k, n_k in counts.items():
                pairs = n_c * (n_k - 1) if c == k else n_c * n_k
                if pairs:
                    coincidences[c, k] += pairs / (pairable - 1)

    totals: dict[Value, float] = defaultdict(float)
    for (c, _k), count in coincidences.items():
        totals[c] += count
    n = sum(totals.values())
    if n <= 1:
        return None

    delta = _distance(metric, totals)
    observed = sum(count * delta(c, k) for (c, k), count in coincidences.items())
    expected = sum(totals[c] * totals[k] * delta(c, k) for c in totals for k in totals)
    if expected == 0:
        return None
    return 1 - (n - 1) * observed / expected


def _distance(metric: Metric, totals: Mapping[Value, float]) -> Callable[[Value, Value], float]:
    """Krippendorff's squared difference function ``delta²(c, k)`` for the metric."""
    if metric == "nominal":
        return lambda c, k: 0.0 if c == k else 1.0
    if metric == "interval":
        return lambda c, k: float((c - k) ** 2)  # type: ignore[operator]
    if metric != "ordinal":
        raise ValueError(f"Unknown metric {metric!r}; use nominal, ordinal or interval.")
    ranked: list = sorted(totals)  # type: ignore[type-var]
    cumulative = [0.0]
    for value in ranked:
        cumulative.append(cumulative[-1] + totals[value])
    rank = {value: index for index, value in enumerate(ranked)}

    def ordinal(c: Value, k: Value) -> float:
        low, high = sorted((rank[c], rank[k]))
        between = cumulative[high + 1] - cumulative[low]
        return (between - (totals[c] + totals[k]) / 2) ** 2

    return ordinal
