"""What happened on the desk, announced once it is committed: the domain's events.

Services send these; notifications, webhooks and live pages listen. A signal is sent
after the surrounding transaction commits (``emit``), so a listener never sees work
that was rolled back and never runs inside a service's transaction. Listeners must not
raise: a listener's failure is logged and does not undo or stop the service's work.

Each signal's keyword arguments are listed beside it; ``actor`` is the user who did it
(None for the background workers).
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger(__name__)

article_imported = Signal()  # article, actor
claim_assigned = Signal()  # claim, assignments (the new ones), actor
comment_posted = Signal()  # comment, actor
claim_disputed = Signal()  # claim, consensus (it became disputed), actor
claim_consensus_reached = Signal()  # claim, consensus (it reached consensus), actor
claim_rated = Signal()  # claim, rating, actor
claim_published = Signal()  # claim, publication, actor
claim_corrected = Signal()  # claim, publication, correction, actor
claim_unpublished = Signal()  # claim, actor
source_died = Signal()  # source (its status became dead), snapshot
source_changed = Signal()  # source or evidence, snapshot (its main text changed), previous
claim_wording_changed = Signal()  # claim, old_quote, new_quote (an article revision changed it)
correction_requested = Signal()  # correction_request
correction_request_answered = Signal()  # correction_request (a new response), actor

EVENTS: dict[str, Signal] = {
    "article.imported": article_imported,
    "claim.assigned": claim_assigned,
    "comment.posted": comment_posted,
    "claim.disputed": claim_disputed,
    "claim.consensus": claim_consensus_reached,
    "claim.rated": claim_rated,
    "claim.published": claim_published,
    "claim.corrected": claim_corrected,
    "claim.unpublished": claim_unpublished,
    "source.dead": source_died,
    "source.changed": source_changed,
    "claim.wording_changed": claim_wording_changed,
    "correction.requested": correction_requested,
    "correction.answered": correction_request_answered,
}


def emit(signal: Signal, **kwargs: Any) -> None:
    """Send ``signal`` once the current transaction commits (at once outside one)."""

    def send() -> None:
        for receiver, result in signal.send_robust(sender=signal, **kwargs):
            if isinstance(result, Exception):
                logger.error(
                    "A listener of %s failed: %s",
                    _name(signal),
                    result,
                    exc_info=(type(result), result, result.__traceback__),
                    extra={"receiver": getattr(receiver, "__qualname__", repr(receiver))},
                )

    transaction.on_commit(send, robust=True)


def _name(signal: Signal) -> str:
    return next((name for name, known in EVENTS.items() if known is signal), "an event")
