from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from claims import events, policies, stamps
from claims.models import Claim, ClaimStatus
from editorial.models import Assignment


def assignment_check(*, claim: Claim, reviewers: Iterable[Any], assigned_by: Any) -> None:
    """Refuse (``ValidationError`` or ``PermissionDenied``) what ``claim_assign`` would refuse."""
    policies.check_assign_reviewers(assigned_by, claim)
    if claim.is_closed:
        raise ValidationError(
            f"The claim is {ClaimStatus(claim.status).label.lower()}; reopen it before "
            "assigning reviewers.",
            code="claim_closed",
        )
    refused = [reviewer for reviewer in reviewers if not policies.is_reviewer(reviewer)]
    if refused:
        names = ", ".join(f"{user.username} (id {user.pk})" for user in refused)
        raise ValidationError(
            {"reviewers": f"Only active reviewers and editors can be assigned, not {names}."},
            code="not_a_reviewer",
        )


@transaction.atomic
def claim_assign(*, claim: Claim, reviewers: Iterable[Any], assigned_by: Any) -> list[Assignment]:
    """Ask reviewers to rate the claim; those already assigned stay as they were.

    Returns the new assignments.
    """
    unique = {reviewer.pk: reviewer for reviewer in reviewers}
    assignment_check(claim=claim, reviewers=unique.values(), assigned_by=assigned_by)
    assigned = set(
        Assignment.objects.filter(claim=claim, reviewer_id__in=unique).values_list(
            "reviewer_id", flat=True
        )
    )
    new = [
        Assignment(claim=claim, reviewer=reviewer, assigned_by=assigned_by)
        for pk, reviewer in unique.items()
        if pk not in assigned
    ]
    created = Assignment.objects.bulk_create(new)
    if created:
        events.emit(events.claim_assigned, claim=claim, assignments=created, actor=assigned_by)
    return created


def assignment_delete(*, claim: Claim, reviewer: Any, user: Any) -> bool:
    """Take the reviewer off the claim; False when they were not on it."""
    policies.check_unassign_reviewers(user, claim)
    deleted, _ = Assignment.objects.filter(claim=claim, reviewer=reviewer).delete()
    if deleted:
        stamps.article_changed(claim.article_id)
    return bool(deleted)
