from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from claims import events
from claims.models import VERDICT_ORDINALS, Claim, Rating
from editorial.consensus import consensus_of
from editorial.models import ClaimConsensus, ConsensusState


@transaction.atomic
def consensus_refresh(*, claim: Claim, actor: Any = None) -> ClaimConsensus:
    """Recompute and store the claim's consensus from its ratings (after every change).

    A claim that becomes disputed, or reaches a consensus (or another verdict's), is
    announced (``claims.events``)."""
    # Rating changes of one claim recompute one after the other, each reading the
    # ratings committed before it: two at once could each miss the other's rating.
    list(Claim.objects.select_for_update().filter(pk=claim.pk).values_list("pk", flat=True))
    # One row per verdict given (eight at most), whatever the claim's number of ratings.
    counts = (
        Rating.objects.filter(claim_id=claim.pk)
        .order_by()
        .values_list("verdict")
        .annotate(n=Count("id"))
        .values_list("verdict", "n")
    )
    result = consensus_of(
        [verdict for verdict, n in counts for _ in range(n)],
        ordinals=VERDICT_ORDINALS,
        min_ratings=settings.CONSENSUS_MIN_RATINGS,
        min_agreement=settings.CONSENSUS_MIN_AGREEMENT,
    )
    stored = ClaimConsensus.objects.filter(claim_id=claim.pk)
    before = stored.values_list("state", "verdict").first()
    consensus, _ = ClaimConsensus.objects.update_or_create(
        claim_id=claim.pk,
        defaults={
            "state": result.state,
            "verdict": result.verdict or "",
            "agreement": result.agreement,
            "ratings_count": result.ratings,
            "updated_at": timezone.now(),
        },
    )
    after = (consensus.state, consensus.verdict)
    if after != before:
        if consensus.state == ConsensusState.DISPUTED and (before or ("",))[0] != after[0]:
            events.emit(events.claim_disputed, claim=claim, consensus=consensus, actor=actor)
        elif consensus.state == ConsensusState.CONSENSUS:
            signal = events.claim_consensus_reached
            events.emit(signal, claim=claim, consensus=consensus, actor=actor)
    return consensus


def consensus_recompute_all() -> int:
    """Recompute every rated claim's consensus (after the consensus settings change)."""
    rated = set(Rating.objects.values_list("claim_id", flat=True).distinct())
    # Claims whose last ratings went with deleted accounts are recomputed too.
    stored = set(ClaimConsensus.objects.exclude(ratings_count=0).values_list("claim_id", flat=True))
    for claim_id in sorted(rated | stored):
        consensus_refresh(claim=Claim(pk=claim_id))
    return len(rated | stored)
