"""A reviewer's rating of a claim; every change recomputes the claim's consensus."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from claims import events, policies, stamps
from claims.history import save_as
from claims.models import Claim, ClaimStatus, Confidence, Rating
from editorial.services.consensus import consensus_refresh
from editorial.services.workflow import claim_transition_automatic
from texts.textnorm import clean_text

FIRST_RATING_NOTE = "first rating"


def rating_submit(
    *,
    claim: Claim,
    reviewer: Any,
    verdict: str,
    rationale: str,
    confidence: str = Confidence.MEDIUM,
    actor: Any = None,
) -> tuple[Rating, bool]:
    """Rate a claim, or change the rating this reviewer already gave; returns (rating, created).

    ``actor`` is who does it when it is not the reviewer (an editor, in the admin).
    The first rating of an open claim starts its review (a move of the application's).
    """
    actor = reviewer if actor is None else actor
    policies.check_rate_claim(actor, claim, reviewer=reviewer)
    for attempt in range(2):
        try:
            with transaction.atomic():
                rating = (
                    Rating.objects.select_for_update()
                    .filter(claim=claim, reviewer=reviewer)
                    .first()
                )
                created = rating is None
                if rating is None:
                    rating = Rating(claim=claim, reviewer=reviewer)
                rating.verdict = verdict
                rating.confidence = confidence
                rating.rationale = clean_text(rationale)
                # The unique constraint is checked by the database below.
                rating.full_clean(validate_constraints=False)
                save_as(rating, actor)
                consensus = consensus_refresh(claim=claim, actor=actor)
                events.emit(events.claim_rated, claim=claim, rating=rating, actor=actor)
                if created and consensus.ratings_count == 1:
                    claim_transition_automatic(
                        claim=claim,
                        from_status=ClaimStatus.OPEN,
                        to_status=ClaimStatus.IN_REVIEW,
                        note=FIRST_RATING_NOTE,
                    )
                return rating, created
        except IntegrityError:
            # Another request created this reviewer's rating between our read and
            # our insert: read it again and update it instead.
            if attempt:
                raise
    raise AssertionError("unreachable")


def rating_withdraw(*, claim: Claim, reviewer: Any, actor: Any = None) -> bool:
    """Delete the reviewer's rating of the claim; False when there was none."""
    actor = reviewer if actor is None else actor
    policies.check_rate_claim(actor, claim, reviewer=reviewer)
    rating = Rating.objects.filter(claim=claim, reviewer=reviewer).first()
    if rating is None:
        return False
    rating._history_user = policies.person(actor)  # type: ignore[attr-defined]
    rating.delete()
    consensus_refresh(claim=claim, actor=actor)
    stamps.article_changed(claim.article_id)
    return True
