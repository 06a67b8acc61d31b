"""How a claim looks in the UI: the colour and label of its highlight and badges.

A claim takes the colour of its published verdict, else of the verdict its
reviewers reached consensus on; otherwise its review state (disputed, rated but
short of a consensus, not rated yet, rejected) decides. A reviewer from whom the
others' ratings are hidden (``policies.can_see_others_ratings``) sees only whether
it is rated.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from claims import policies
from claims.models import Claim, ClaimStatus, Verdict
from editorial.models import ConsensusState
from editorial.selectors import consensus_summary, effective_verdict
from memory.selectors import CheckedBefore


@dataclass(frozen=True, slots=True)
class Look:
    key: str  # CSS suffix: "v-<verdict>" or "st-<state>"
    label: str
    published: bool = False


DISPUTED = Look("st-disputed", "Disputed")
RATED = Look("st-rated", "Rated, no consensus yet")
UNRATED = Look("st-open", "Not rated yet")
REJECTED = Look("st-rejected", "Rejected")
RATED_HIDDEN = Look("st-rated", "Rated by others: rate it to see their verdicts")

LEGEND: list[Look] = [
    *(Look(f"v-{verdict.value}", verdict.label) for verdict in Verdict),
    DISPUTED,
    RATED,
    UNRATED,
    REJECTED,
]


def verdict_look(verdict: str, *, published: bool = False) -> Look:
    return Look(f"v-{verdict}", Verdict(verdict).label, published)


def claim_look(claim: Claim, *, hidden: bool = False) -> Look:
    """Needs the claim's ``consensus`` and ``publication`` loaded (``select_related``);
    ``hidden``: the others' ratings and the consensus are hidden from the viewer."""
    if claim.status == ClaimStatus.REJECTED:
        return REJECTED
    if hidden:
        rated = getattr(claim, "ratings_count", 0)
        return RATED_HIDDEN if rated else UNRATED
    verdict, origin = effective_verdict(claim)
    if verdict:
        return verdict_look(verdict, published=origin == "published")
    summary = consensus_summary(claim)
    if summary["state"] == ConsensusState.DISPUTED:
        return DISPUTED
    if summary["ratings"] or getattr(claim, "ratings_count", 0):
        return RATED
    return UNRATED


def ratings_hidden(user: Any, claim: Claim, *, has_rated: bool | None = None) -> bool:
    """Are the others' ratings of ``claim`` hidden from ``user``? ``has_rated`` defaults to
    the claim's ``rated_by_me`` annotation (``ClaimQuerySet.with_rated_by_me``)."""
    if has_rated is None:
        has_rated = bool(getattr(claim, "rated_by_me", False))
    return not policies.can_see_others_ratings(user, claim.status, has_rated=has_rated)


def claim_look_for(user: Any, claim: Claim, *, has_rated: bool | None = None) -> Look:
    """How ``claim`` looks to ``user``: without its verdicts while they are hidden."""
    return claim_look(claim, hidden=ratings_hidden(user, claim, has_rated=has_rated))


def checked_before_text(seen: CheckedBefore) -> str:
    """What the reader's marker on a claim checked before says (its tooltip and, for
    screen readers, part of the claim's link)."""
    count = f"{seen.matches} similar claim{'s' if seen.matches != 1 else ''}"
    text = f"Checked before: {count}, closest C{seen.best.number} of “{seen.best.article_title}”"
    if seen.verdict and seen.verdict_of:
        where = f"C{seen.verdict_of.number} of “{seen.verdict_of.article_title}”"
        text += f"; published verdict {Verdict(seen.verdict).label} ({where})"
    return text + "."
