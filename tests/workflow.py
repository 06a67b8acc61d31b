"""Helpers that move claims through the editorial workflow the way the app does: by services."""

from __future__ import annotations

from typing import Any

from claims.models import SUMMARY_MAX_LENGTH, Claim, ClaimStatus
from claims.services.claimants import claim_describe
from editorial.models import Publication
from editorial.services.ratings import rating_submit
from editorial.services.workflow import claim_publish, claim_transition
from tests.factories import UserFactory


def rate(claim: Claim, *verdicts: str) -> list[Any]:
    """One rating per verdict, each by a new reviewer (through ``rating_submit``)."""
    reviewers = []
    for verdict in verdicts:
        reviewer = UserFactory.create(roles=["reviewer"])
        rating_submit(claim=claim, reviewer=reviewer, verdict=verdict, rationale="Checked.")
        reviewers.append(reviewer)
    return reviewers


def make_ready(claim: Claim, editor: Any) -> Claim:
    """open -> in_review -> ready, by an editor."""
    if claim.status == ClaimStatus.OPEN:
        claim_transition(claim=claim, to_status=ClaimStatus.IN_REVIEW, user=editor)
    if claim.status == ClaimStatus.IN_REVIEW:
        claim_transition(claim=claim, to_status=ClaimStatus.READY, user=editor)
    return claim


def publish(
    claim: Claim, editor: Any, verdict: str, rationale: str = "The report says so.", note: str = ""
) -> Publication:
    if not claim.summary:  # publishing needs one: the claim's own words will do here
        claim_describe(claim=claim, user=editor, summary=claim.quote[:SUMMARY_MAX_LENGTH])
    make_ready(claim, editor)
    return claim_publish(
        claim=claim,
        editor=editor,
        verdict=verdict,
        rationale=rationale,
        note=note or "Decided.",
        confirm_no_evidence=True,
    )
