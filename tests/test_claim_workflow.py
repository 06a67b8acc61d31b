"""Every allowed and every refused move of a claim's status, who may make it, and the log."""

from __future__ import annotations

import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from claims.models import ClaimStatus, Verdict
from claims.transitions import TRANSITIONS, Who, targets_from
from editorial.models import ClaimTransition
from editorial.services.workflow import claim_revise, claim_transition
from tests.factories import ClaimFactory
from tests.workflow import rate

pytestmark = pytest.mark.django_db

S = ClaimStatus
ALL_PAIRS = list(itertools.product(S.values, S.values))
SIMPLE = [pair for pair, t in TRANSITIONS.items() if not t.service]
THROUGH_SERVICES = [pair for pair, t in TRANSITIONS.items() if t.service]
REFUSED = [pair for pair in ALL_PAIRS if pair not in TRANSITIONS]
EDITORS_ONLY = [pair for pair in SIMPLE if TRANSITIONS[pair].who == Who.EDITORS]


def test_the_table_is_the_documented_workflow() -> None:
    assert targets_from(S.OPEN) == [S.IN_REVIEW, S.REJECTED]
    assert targets_from(S.IN_REVIEW) == [S.OPEN, S.READY, S.REJECTED]
    assert targets_from(S.READY) == [S.IN_REVIEW, S.PUBLISHED, S.REJECTED]
    assert targets_from(S.PUBLISHED) == [S.READY]
    assert targets_from(S.REJECTED) == [S.OPEN]


@pytest.mark.parametrize(("source", "target"), SIMPLE)
def test_an_editor_makes_every_allowed_move_and_it_is_recorded(
    editor, source: str, target: str
) -> None:
    claim = ClaimFactory.create(status=source)

    record = claim_transition(claim=claim, to_status=target, user=editor, note="  Because.  ")

    claim.refresh_from_db()
    assert claim.status == target
    assert (record.from_status, record.to_status, record.user, record.note) == (
        source,
        target,
        editor,
        "Because.",
    )
    assert record.created_at is not None
    assert claim.history.latest().history_user == editor


@pytest.mark.parametrize(("source", "target"), REFUSED)
def test_every_move_outside_the_table_is_refused_with_the_moves_allowed(
    editor, source: str, target: str
) -> None:
    claim = ClaimFactory.create(status=source)

    with pytest.raises(ValidationError) as refused:
        claim_transition(claim=claim, to_status=target, user=editor, note="Why not.")

    message = refused.value.messages[0]
    if source == target:
        assert message == f"The claim is already {S(target).label.lower()}."
    else:
        assert message.startswith(
            f"A claim cannot go from {S(source).label.lower()} to {S(target).label.lower()}; "
        )
        assert all(S(allowed).label.lower() in message for allowed in targets_from(source))
    claim.refresh_from_db()
    assert claim.status == source
    assert not ClaimTransition.objects.exists()


@pytest.mark.parametrize(("source", "target"), THROUGH_SERVICES)
def test_publishing_and_unpublishing_are_not_simple_moves(editor, source: str, target: str) -> None:
    claim = ClaimFactory.create(status=source)

    with pytest.raises(ValidationError, match="instead"):
        claim_transition(claim=claim, to_status=target, user=editor, note="Why.")

    claim.refresh_from_db()
    assert claim.status == source


def test_an_unknown_status_is_refused() -> None:
    claim = ClaimFactory.create()

    with pytest.raises(ValidationError, match="is not a claim status"):
        claim_transition(claim=claim, to_status="archived", user=None)


@pytest.mark.parametrize(("source", "target"), EDITORS_ONLY)
def test_reviewers_may_not_make_the_editors_moves(reviewer, source: str, target: str) -> None:
    claim = ClaimFactory.create(status=source)

    with pytest.raises(PermissionDenied, match="Only editors"):
        claim_transition(claim=claim, to_status=target, user=reviewer, note="Why.")

    claim.refresh_from_db()
    assert claim.status == source


def test_a_reviewer_starts_a_review(reviewer) -> None:
    claim = ClaimFactory.create()

    claim_transition(claim=claim, to_status=S.IN_REVIEW, user=reviewer)

    claim.refresh_from_db()
    assert claim.status == S.IN_REVIEW


# A reviewer who has not rated is never offered "Mark ready" (the rate-first rule):
# these test the consensus rule itself, with every rating shown.
@pytest.mark.usefixtures("every_rating_shown")
def test_a_reviewer_marks_a_claim_ready_once_its_ratings_reach_consensus(reviewer) -> None:
    claim = ClaimFactory.create(status=S.IN_REVIEW)
    rate(claim, Verdict.FALSE, Verdict.MOSTLY_FALSE)

    claim_transition(claim=claim, to_status=S.READY, user=reviewer)

    claim.refresh_from_db()
    assert claim.status == S.READY


# A reviewer who has not rated is never offered "Mark ready" (the rate-first rule):
# these test the consensus rule itself, with every rating shown.
@pytest.mark.usefixtures("every_rating_shown")
@pytest.mark.parametrize(
    ("verdicts", "state"),
    [((), "needs ratings"), ((Verdict.TRUE,), "needs ratings"), (("true", "false"), "disputed")],
)
def test_a_reviewer_cannot_mark_a_claim_ready_without_consensus(
    reviewer, verdicts: tuple[str, ...], state: str
) -> None:
    claim = ClaimFactory.create(status=S.IN_REVIEW)
    rate(claim, *verdicts)

    with pytest.raises(ValidationError) as refused:
        claim_transition(claim=claim, to_status=S.READY, user=reviewer)

    assert refused.value.messages == [
        f"A claim is ready once its ratings reach consensus, and this one's are {state}; "
        "an editor may decide it is ready."
    ]


def test_an_editor_decides_a_disputed_claim_is_ready(editor) -> None:
    claim = ClaimFactory.create(status=S.IN_REVIEW)
    rate(claim, Verdict.TRUE, Verdict.FALSE)

    claim_transition(claim=claim, to_status=S.READY, user=editor, note="Editor's call.")

    claim.refresh_from_db()
    assert claim.status == S.READY


@pytest.mark.parametrize("source", [S.OPEN, S.IN_REVIEW, S.READY])
def test_rejecting_needs_a_note(editor, source: str) -> None:
    claim = ClaimFactory.create(status=source)

    with pytest.raises(ValidationError) as refused:
        claim_transition(claim=claim, to_status=S.REJECTED, user=editor, note="   ")

    assert refused.value.message_dict == {
        "note": [f"Say why the claim goes from {S(source).label.lower()} to rejected."]
    }


def test_people_without_a_role_make_no_move(outsider) -> None:
    claim = ClaimFactory.create()

    with pytest.raises(PermissionDenied):
        claim_transition(claim=claim, to_status=S.IN_REVIEW, user=outsider)


def test_the_log_keeps_every_move_in_order(editor, reviewer) -> None:
    claim = ClaimFactory.create()

    claim_transition(claim=claim, to_status=S.IN_REVIEW, user=reviewer)
    claim_transition(claim=claim, to_status=S.REJECTED, user=editor, note="Not checkable.")
    claim_transition(claim=claim, to_status=S.OPEN, user=editor, note="Second look.")

    log = ClaimTransition.objects.filter(claim=claim).order_by("created_at", "id")
    assert [(t.from_status, t.to_status, t.user, t.note) for t in log] == [
        (S.OPEN, S.IN_REVIEW, reviewer, ""),
        (S.IN_REVIEW, S.REJECTED, editor, "Not checkable."),
        (S.REJECTED, S.OPEN, editor, "Second look."),
    ]


def test_the_status_read_is_the_stored_one_not_a_stale_copy(editor) -> None:
    claim = ClaimFactory.create()
    stale = type(claim).objects.get(pk=claim.pk)
    claim_transition(claim=claim, to_status=S.IN_REVIEW, user=editor)

    # The stale copy still says open; the move is checked against in_review.
    claim_transition(claim=stale, to_status=S.READY, user=editor)

    assert [t.from_status for t in ClaimTransition.objects.order_by("id")] == [S.OPEN, S.IN_REVIEW]


def test_changing_a_claims_status_goes_through_the_workflow(editor) -> None:
    claim = ClaimFactory.create()

    claim_revise(claim=claim, user=editor, status=S.IN_REVIEW, kind="prediction")
    with pytest.raises(ValidationError, match="cannot go from in review to published"):
        claim_revise(claim=claim, user=editor, status=S.PUBLISHED)

    claim.refresh_from_db()
    assert (claim.status, claim.kind) == (S.IN_REVIEW, "prediction")
    assert ClaimTransition.objects.get().to_status == S.IN_REVIEW
