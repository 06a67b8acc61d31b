"""How a claim looks in the UI: the colour and label of its highlight and badges.

A claim takes the colour of its published verdict, else of the verdict its
reviewers reached consensus on; otherwise its review state (disputed, rated but
short of a consensus, not rated yet, rejected) decides.
"""

from __future__ import annotations

from dataclasses import dataclass

from claims.models import Claim, ClaimStatus, Verdict
from editorial.models import ConsensusState
from editorial.selectors import consensus_summary, effective_verdict


@dataclass(frozen=True, slots=True)
class Look:
    key: str  # CSS suffix: "v-<verdict>" or "st-<state>"
    label: str
    published: bool = False


DISPUTED = Look("st-disputed", "Disputed")
RATED = Look("st-rated", "Rated, no consensus yet")
UNRATED = Look("st-open", "Not rated yet")
REJECTED = Look("st-rejected", "Rejected")

LEGEND: list[Look] = [
    *(Look(f"v-{verdict.value}", verdict.label) for verdict in Verdict),
    DISPUTED,
    RATED,
    UNRATED,
    REJECTED,
]


def verdict_look(verdict: str, *, published: bool = False) -> Look:
    return Look(f"v-{verdict}", Verdict(verdict).label, published)


def claim_look(claim: Claim) -> Look:
    """Needs the claim's ``consensus`` and ``publication`` loaded (``select_related``)."""
    if claim.status == ClaimStatus.REJECTED:
        return REJECTED
    verdict, origin = effective_verdict(claim)
    if verdict:
        return verdict_look(verdict, published=origin == "published")
    summary = consensus_summary(claim)
    if summary["state"] == ConsensusState.DISPUTED:
        return DISPUTED
    if summary["ratings"] or getattr(claim, "ratings_count", 0):
        return RATED
    return UNRATED
