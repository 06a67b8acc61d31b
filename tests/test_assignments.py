"""Editors assign reviewers to claims; each reviewer's queue holds what they still have to rate."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from claims.models import ClaimStatus, Verdict
from editorial.models import Assignment
from editorial.selectors import assignment_list, claim_queue
from editorial.services.assignments import assignment_delete, claim_assign
from editorial.services.ratings import rating_submit, rating_withdraw
from tests.factories import ClaimFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_an_editor_assigns_reviewers_to_a_claim(editor, reviewer, second_reviewer) -> None:
    claim = ClaimFactory.create()

    new = claim_assign(claim=claim, reviewers=[reviewer, second_reviewer], assigned_by=editor)

    assert {a.reviewer for a in new} == {reviewer, second_reviewer}
    assert all(a.assigned_by == editor and a.assigned_at for a in new)


def test_assigning_again_keeps_the_first_assignment(editor, reviewer) -> None:
    claim = ClaimFactory.create()
    (first,) = claim_assign(claim=claim, reviewers=[reviewer], assigned_by=editor)

    again = claim_assign(claim=claim, reviewers=[reviewer, reviewer], assigned_by=editor)

    assert again == []
    assert list(Assignment.objects.all()) == [first]


def test_only_editors_assign(reviewer, second_reviewer) -> None:
    with pytest.raises(PermissionDenied):
        claim_assign(claim=ClaimFactory.create(), reviewers=[second_reviewer], assigned_by=reviewer)


def test_only_reviewers_and_editors_can_be_assigned(editor, outsider) -> None:
    with pytest.raises(ValidationError, match=f"not {outsider.username}"):
        claim_assign(claim=ClaimFactory.create(), reviewers=[outsider], assigned_by=editor)

    assert not Assignment.objects.exists()


@pytest.mark.parametrize("status", [ClaimStatus.PUBLISHED, ClaimStatus.REJECTED])
def test_closed_claims_take_no_assignments(editor, reviewer, status: str) -> None:
    with pytest.raises(ValidationError, match="reopen it"):
        claim_assign(
            claim=ClaimFactory.create(status=status), reviewers=[reviewer], assigned_by=editor
        )


def test_unassigning_removes_the_claim_from_the_queue(editor, reviewer) -> None:
    claim = ClaimFactory.create()
    claim_assign(claim=claim, reviewers=[reviewer], assigned_by=editor)

    assert assignment_delete(claim=claim, reviewer=reviewer, user=editor)
    assert not assignment_delete(claim=claim, reviewer=reviewer, user=editor)
    assert list(claim_queue(reviewer=reviewer)) == []


def test_my_queue_holds_the_claims_assigned_to_me_that_i_have_not_rated(
    editor, reviewer, second_reviewer
) -> None:
    mine, rated, theirs, unassigned = ClaimFactory.create_batch(4)
    claim_assign(claim=mine, reviewers=[reviewer], assigned_by=editor)
    claim_assign(claim=rated, reviewers=[reviewer, second_reviewer], assigned_by=editor)
    claim_assign(claim=theirs, reviewers=[second_reviewer], assigned_by=editor)
    rating_submit(claim=rated, reviewer=reviewer, verdict=Verdict.TRUE, rationale="Yes.")
    rating_submit(claim=unassigned, reviewer=reviewer, verdict=Verdict.TRUE, rationale="Yes.")

    assert list(claim_queue(reviewer=reviewer)) == [mine]
    assert set(claim_queue(reviewer=second_reviewer)) == {rated, theirs}


def test_withdrawing_my_rating_puts_the_claim_back_in_my_queue(editor, reviewer) -> None:
    claim = ClaimFactory.create()
    claim_assign(claim=claim, reviewers=[reviewer], assigned_by=editor)
    rating_submit(claim=claim, reviewer=reviewer, verdict=Verdict.TRUE, rationale="Yes.")

    rating_withdraw(claim=claim, reviewer=reviewer)

    assert list(claim_queue(reviewer=reviewer)) == [claim]


def test_published_and_rejected_claims_leave_the_queue(editor, reviewer) -> None:
    claims = ClaimFactory.create_batch(2)
    for claim in claims:
        claim_assign(claim=claim, reviewers=[reviewer], assigned_by=editor)
    type(claims[0]).objects.filter(pk=claims[0].pk).update(status=ClaimStatus.REJECTED)

    assert list(claim_queue(reviewer=reviewer)) == [claims[1]]


def test_assignments_say_whether_the_reviewer_has_rated(editor, reviewer, second_reviewer) -> None:
    claim = ClaimFactory.create()
    claim_assign(claim=claim, reviewers=[reviewer, second_reviewer], assigned_by=editor)
    rating_submit(claim=claim, reviewer=reviewer, verdict=Verdict.FALSE, rationale="No.")

    rows = {a.reviewer: a.has_rated for a in assignment_list(claim=claim)}  # type: ignore[attr-defined]

    assert rows == {reviewer: True, second_reviewer: False}


def test_an_assignment_is_unique_per_claim_and_reviewer() -> None:
    claim, reviewer = ClaimFactory.create(), UserFactory.create(roles=["reviewer"])
    Assignment.objects.create(claim=claim, reviewer=reviewer)

    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(claim=claim, reviewer=reviewer)
