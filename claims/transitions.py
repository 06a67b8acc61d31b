"""Every move a claim's status may make, and who may make it: the one table.

``editorial.services.workflow`` enforces it and ``claims.policies`` reads it, so
the API, the admin and the services agree. A move missing here is refused.

    open      -> in_review   reviewers     review starts
    in_review -> ready       reviewers     once the ratings reach consensus;
                             editors       whenever they decide
    in_review -> open        editors       back to the pool
    ready     -> in_review   editors       needs more review
    ready     -> published   editors       only through ``claim_publish`` (verdict, rationale)
    published -> ready       editors       only through ``claim_unpublish``; a note says why
    open, in_review, ready -> rejected     editors; a note says why
    rejected  -> open        editors       reopened
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from claims.statuses import ClaimStatus


class Who(StrEnum):
    REVIEWERS = "reviewers"  # reviewers, and editors above them
    EDITORS = "editors"


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    who: Who
    # Reviewers may make the move only once the claim's ratings reach consensus;
    # editors may make it anyway (they decide).
    needs_consensus_unless_editor: bool = False
    note_required: bool = False
    # The service that makes the move, when it needs more than a status
    # (publishing needs a verdict and a rationale); "" for claim_transition.
    service: str = ""


_S = ClaimStatus

TRANSITIONS: dict[tuple[str, str], Transition] = {
    (t.source, t.target): t
    for t in [
        Transition(_S.OPEN, _S.IN_REVIEW, Who.REVIEWERS),
        Transition(_S.IN_REVIEW, _S.READY, Who.REVIEWERS, needs_consensus_unless_editor=True),
        Transition(_S.IN_REVIEW, _S.OPEN, Who.EDITORS),
        Transition(_S.READY, _S.IN_REVIEW, Who.EDITORS),
        Transition(_S.READY, _S.PUBLISHED, Who.EDITORS, service="claim_publish"),
        Transition(
            _S.PUBLISHED, _S.READY, Who.EDITORS, note_required=True, service="claim_unpublish"
        ),
        Transition(_S.OPEN, _S.REJECTED, Who.EDITORS, note_required=True),
        Transition(_S.IN_REVIEW, _S.REJECTED, Who.EDITORS, note_required=True),
        Transition(_S.READY, _S.REJECTED, Who.EDITORS, note_required=True),
        Transition(_S.REJECTED, _S.OPEN, Who.EDITORS),
    ]
}


def transition_for(source: str, target: str) -> Transition | None:
    return TRANSITIONS.get((source, target))


def targets_from(source: str) -> list[str]:
    """Where a claim in ``source`` may go, in the order of ``ClaimStatus``."""
    return [status for status in ClaimStatus.values if (source, status) in TRANSITIONS]
