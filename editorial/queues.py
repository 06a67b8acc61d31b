"""The editors' queues: named lists of claims that wait for someone to act.

Each queue is one function that narrows a claims queryset, registered here under
its name with ``@queue``; the dashboard shows every registered queue with its
count, and the claims search (web ``?queue=``, API ``?queue=``) filters by any of
them. A new queue is one more decorated function in this module.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from claims import policies
from claims.models import Claim, ClaimQuerySet, ClaimStatus, Rating, others_ratings_visible_q
from claims.selectors import count_subquery
from editorial.models import ConsensusState, CorrectionRequest, CorrectionRequestStatus
from editorial.selectors import (
    consensus_state_q,
    inactive_since_q,
    source_changed_since_publication_q,
)

Narrow = Callable[[ClaimQuerySet], ClaimQuerySet]
# Before a claim is ready: once it is (an editor may decide so anyway), it waits in "ready".
UNDER_REVIEW = (ClaimStatus.OPEN, ClaimStatus.IN_REVIEW)


@dataclass(frozen=True)
class Queue:
    name: str
    label: str
    description: str
    narrow: Narrow
    # The queue is decided by the consensus: under independent ratings a reviewer sees
    # in it only the claims whose consensus they may see.
    by_consensus: bool = False
    # Only editors may know which claims are in it (``readers``: who may, by policy).
    readers: Callable[[Any], bool] | None = None

    @property
    def summary(self) -> str:
        """The description, with the settings it speaks of filled in."""
        return self.description.format(stale_after_days=settings.STALE_AFTER_DAYS)

    def claims(self, claims: ClaimQuerySet | None = None) -> ClaimQuerySet:
        """The claims of ``claims`` (all claims by default) in this queue."""
        return self.narrow(Claim.objects.all() if claims is None else claims)

    def claims_seen_by(self, user: Any, claims: ClaimQuerySet | None = None) -> ClaimQuerySet:
        """``claims`` in this queue, as ``user`` may know it (see ``by_consensus``)."""
        found = self.claims(claims)
        if self.readers is not None and not self.readers(user):
            return found.none()
        return found.filter(others_ratings_visible_q(user)) if self.by_consensus else found


QUEUES: dict[str, Queue] = {}


def queue(
    name: str,
    *,
    label: str,
    description: str,
    by_consensus: bool = False,
    readers: Callable[[Any], bool] | None = None,
) -> Callable[[Narrow], Narrow]:
    """Register the decorated function as the queue ``name`` (shown in this order)."""

    def register(narrow: Narrow) -> Narrow:
        if name in QUEUES:
            raise ValueError(f"There is already a queue named {name!r}.")
        QUEUES[name] = Queue(name, label, description, narrow, by_consensus, readers)
        return narrow

    return register


def queue_get(name: str) -> Queue:
    """The queue named ``name``; a ``KeyError`` naming the queues there are otherwise."""
    try:
        return QUEUES[name]
    except KeyError:
        raise KeyError(f"No queue named {name!r}; the queues are: {', '.join(QUEUES)}.") from None


def queue_counts(claims: ClaimQuerySet | None = None) -> dict[str, int]:
    """How many of ``claims`` (all claims by default) each queue holds, by name: one query."""
    claims = Claim.objects.all() if claims is None else claims
    counts = claims.order_by().aggregate(
        **{
            name: Count("pk", filter=Q(pk__in=q.claims().values("pk")))
            for name, q in QUEUES.items()
        }
    )
    return {name: counts[name] or 0 for name in QUEUES}


def stale_cutoff(now: datetime | None = None) -> datetime:
    """Claims with no activity since this moment are stale."""
    return (now or timezone.now()) - timedelta(days=settings.STALE_AFTER_DAYS)


# --- The queues -----------------------------------------------------------------------


@queue(
    "ready",
    label="Ready to publish",
    description="Claims marked ready: an editor publishes their verdict (or sends them back).",
)
def ready_to_publish(claims: ClaimQuerySet) -> ClaimQuerySet:
    return claims.filter(status=ClaimStatus.READY)


@queue(
    "disputed",
    label="Disputed",
    description="Claims in review whose ratings disagree: an editor decides, or asks for "
    "more ratings.",
    by_consensus=True,
)
def disputed(claims: ClaimQuerySet) -> ClaimQuerySet:
    return claims.filter(status__in=UNDER_REVIEW).filter(consensus_state_q(ConsensusState.DISPUTED))


@queue(
    "needs_ratings",
    label="Needs ratings",
    description="Claims in review with fewer ratings than a consensus needs.",
)
def needs_ratings(claims: ClaimQuerySet) -> ClaimQuerySet:
    ratings = count_subquery(Rating.objects.all(), outer="claim")
    return (
        claims.filter(status__in=UNDER_REVIEW)
        .alias(queue_ratings=ratings)
        .filter(queue_ratings__lt=settings.CONSENSUS_MIN_RATINGS)
    )


@queue(
    "stale",
    label="Stale",
    description="Claims not yet published or rejected with no rating, evidence, comment, "
    "move or edit for "
    "{stale_after_days} days.",
)
def stale(claims: ClaimQuerySet) -> ClaimQuerySet:
    return claims.open_for_review().filter(inactive_since_q(stale_cutoff()))


@queue(
    "correction_requested",
    label="Correction requested",
    description="Published fact-checks that a reader reported an error on: an editor "
    "answers, corrects or dismisses the report.",
    readers=policies.can_handle_correction_requests,
)
def correction_requested(claims: ClaimQuerySet) -> ClaimQuerySet:
    reports = CorrectionRequest.objects.filter(
        claim=OuterRef("pk"), status=CorrectionRequestStatus.OPEN
    )
    return claims.filter(Exists(reports))


@queue(
    "source_changed",
    label="Source changed",
    description="Published fact-checks whose cited pages or evidence were edited since the "
    "verdict was published or last corrected: an editor checks whether it still stands.",
    readers=policies.can_see_source_changes_since_publication,
)
def source_changed(claims: ClaimQuerySet) -> ClaimQuerySet:
    return claims.filter(source_changed_since_publication_q())
