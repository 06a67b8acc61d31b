"""The editors' queues (ready, disputed, needs ratings, stale), and the first rating that
starts a claim's review."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from claims.models import Claim, ClaimStatus, Evidence, Rating, Verdict
from claims.policies import can_move_claim_now
from editorial import queues
from editorial.models import ClaimTransition, Comment, CorrectionRequest, CorrectionRequestStatus
from editorial.queues import QUEUES, queue, queue_counts, queue_get
from editorial.services.comments import comment_create
from editorial.services.ratings import rating_submit
from editorial.services.workflow import claim_transition
from tests.factories import ClaimFactory, EvidenceFactory, RatingFactory, UserFactory
from tests.workflow import rate

pytestmark = pytest.mark.django_db


def members(name: str) -> set[int]:
    return set(queue_get(name).claims().values_list("pk", flat=True))


def test_the_registry_holds_the_queues_in_order() -> None:
    assert list(QUEUES) == [
        "ready",
        "disputed",
        "needs_ratings",
        "stale",
        "correction_requested",
        "source_changed",
    ]
    assert "7 days" in QUEUES["stale"].summary


def test_ready_to_publish_holds_the_ready_claims() -> None:
    ready = ClaimFactory.create(status=ClaimStatus.READY)
    ClaimFactory.create(status=ClaimStatus.IN_REVIEW)
    ClaimFactory.create(status=ClaimStatus.PUBLISHED)
    assert members("ready") == {ready.pk}


def test_disputed_holds_claims_under_review_whose_ratings_disagree() -> None:
    disputed = ClaimFactory.create()
    rate(disputed, Verdict.TRUE, Verdict.FALSE)
    agreed = ClaimFactory.create()
    rate(agreed, Verdict.TRUE, Verdict.TRUE)
    rejected = ClaimFactory.create()
    rate(rejected, Verdict.TRUE, Verdict.FALSE)
    Claim.objects.filter(pk=rejected.pk).update(status=ClaimStatus.REJECTED)
    assert members("disputed") == {disputed.pk}
    # An editor decides it is ready: it waits in "ready" now.
    Claim.objects.filter(pk=disputed.pk).update(status=ClaimStatus.READY)
    assert members("disputed") == set()
    assert members("ready") == {disputed.pk}


def test_needs_ratings_holds_claims_with_fewer_ratings_than_the_minimum(settings) -> None:
    settings.CONSENSUS_MIN_RATINGS = 2
    none, one, two = ClaimFactory.create_batch(3)
    rate(one, Verdict.TRUE)
    rate(two, Verdict.TRUE, Verdict.FALSE)
    published = ClaimFactory.create(status=ClaimStatus.PUBLISHED)
    ClaimFactory.create(status=ClaimStatus.READY)
    assert members("needs_ratings") == {none.pk, one.pk}
    settings.CONSENSUS_MIN_RATINGS = 3
    assert members("needs_ratings") == {none.pk, one.pk, two.pk}
    assert published.pk not in members("needs_ratings")


def _age(claim: Claim, days: int) -> None:
    """Make everything about the claim ``days`` old."""
    then = timezone.now() - timedelta(days=days)
    Claim.objects.filter(pk=claim.pk).update(updated_at=then)
    Rating.objects.filter(claim=claim).update(updated_at=then, created_at=then)
    Evidence.objects.filter(claim=claim).update(updated_at=then, created_at=then)
    Comment.objects.filter(claim=claim).update(created_at=then)
    ClaimTransition.objects.filter(claim=claim).update(created_at=then)


def test_a_claim_without_activity_for_stale_after_days_is_stale(settings) -> None:
    settings.STALE_AFTER_DAYS = 7
    old, fresh, closed = ClaimFactory.create_batch(3)
    RatingFactory.create(claim=old)
    EvidenceFactory.create(claim=old)
    for claim in (old, closed):
        _age(claim, 8)
    Claim.objects.filter(pk=closed.pk).update(status=ClaimStatus.PUBLISHED)
    assert members("stale") == {old.pk}
    assert fresh.pk not in members("stale")
    settings.STALE_AFTER_DAYS = 9
    assert members("stale") == set()


@pytest.mark.parametrize("activity", ["rating", "evidence", "comment", "transition", "edit"])
def test_any_activity_takes_a_claim_out_of_stale(activity: str, editor) -> None:
    claim = ClaimFactory.create()
    _age(claim, 30)
    assert claim.pk in members("stale")
    if activity == "rating":
        RatingFactory.create(claim=claim)
    elif activity == "evidence":
        EvidenceFactory.create(claim=claim)
    elif activity == "comment":
        comment_create(claim=claim, author=editor, body="Who takes this one?")
    elif activity == "transition":
        ClaimTransition.objects.create(claim=claim, from_status="open", to_status="in_review")
    else:
        Claim.objects.get(pk=claim.pk).save()
    assert claim.pk not in members("stale")


def test_an_old_rating_changed_today_is_activity() -> None:
    claim = ClaimFactory.create()
    rating = RatingFactory.create(claim=claim)
    _age(claim, 30)
    assert claim.pk in members("stale")
    rating.rationale = "Looked again."
    rating.save()
    assert claim.pk not in members("stale")


def test_queue_counts_are_one_query_whatever_the_claims(django_assert_num_queries) -> None:
    ClaimFactory.create(status=ClaimStatus.READY)
    disputed = ClaimFactory.create()
    rate(disputed, Verdict.TRUE, Verdict.FALSE)
    with django_assert_num_queries(1):
        counts = queue_counts()
    assert counts == {
        "ready": 1,
        "disputed": 1,
        "needs_ratings": 0,
        "stale": 0,
        "correction_requested": 0,
        "source_changed": 0,
    }
    ClaimFactory.create_batch(10, status=ClaimStatus.READY)
    with django_assert_num_queries(1):
        assert queue_counts()["ready"] == 11


def test_a_new_queue_is_one_registered_function(monkeypatch) -> None:
    monkeypatch.setattr(queues, "QUEUES", dict(QUEUES))
    registry = queues.QUEUES
    claim = ClaimFactory.create(kind="opinion")
    ClaimFactory.create()

    @queue("opinions", label="Opinions", description="Opinions to look at.")
    def opinions(claims):  # type: ignore[no-untyped-def]
        return claims.filter(kind="opinion")

    assert "opinions" in registry
    assert set(queues.queue_get("opinions").claims().values_list("pk", flat=True)) == {claim.pk}
    assert queues.queue_counts()["opinions"] == 1
    with pytest.raises(ValueError, match="already a queue"):
        queue("opinions", label="Again", description="")(opinions)


def test_an_unknown_queue_names_the_queues_there_are() -> None:
    with pytest.raises(KeyError, match="ready, disputed, needs_ratings, stale"):
        queue_get("corrections")


# --- The first rating starts the review ---------------------------------------------------


def test_the_first_rating_moves_an_open_claim_to_in_review_as_the_system(reviewer) -> None:
    claim = ClaimFactory.create()

    rating_submit(claim=claim, reviewer=reviewer, verdict=Verdict.TRUE, rationale="Yes.")

    claim.refresh_from_db()
    assert claim.status == ClaimStatus.IN_REVIEW
    move = ClaimTransition.objects.get(claim=claim)
    assert (move.from_status, move.to_status, move.user, move.note) == (
        "open",
        "in_review",
        None,
        "first rating",
    )


def test_later_ratings_and_changes_make_no_move(reviewer, second_reviewer) -> None:
    claim = ClaimFactory.create()
    rating_submit(claim=claim, reviewer=reviewer, verdict=Verdict.TRUE, rationale="Yes.")
    rating_submit(claim=claim, reviewer=reviewer, verdict=Verdict.FALSE, rationale="No.")
    rating_submit(claim=claim, reviewer=second_reviewer, verdict=Verdict.FALSE, rationale="No.")
    assert ClaimTransition.objects.filter(claim=claim).count() == 1


@pytest.mark.parametrize("status", [ClaimStatus.IN_REVIEW, ClaimStatus.READY, ClaimStatus.REJECTED])
def test_the_first_rating_of_a_claim_past_open_moves_nothing(reviewer, status: str) -> None:
    claim = ClaimFactory.create(status=status)
    rating_submit(claim=claim, reviewer=reviewer, verdict=Verdict.TRUE, rationale="Yes.")
    claim.refresh_from_db()
    assert claim.status == status
    assert not ClaimTransition.objects.exists()


def test_a_refused_rating_moves_nothing() -> None:
    claim = ClaimFactory.create()
    nobody = UserFactory.create()
    with pytest.raises(Exception, match="not an active reviewer"):
        rating_submit(claim=claim, reviewer=nobody, verdict=Verdict.TRUE, rationale="Yes.")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.OPEN
    assert not ClaimTransition.objects.exists()


# --- Which moves the UI offers ------------------------------------------------------------


# A reviewer who has not rated is never offered "Mark ready" (the rate-first rule):
# these test the consensus rule itself, with every rating shown.
@pytest.mark.usefixtures("every_rating_shown")
def test_a_reviewer_may_mark_ready_only_once_the_ratings_agree(reviewer, editor) -> None:
    claim = ClaimFactory.create(status=ClaimStatus.IN_REVIEW)
    assert not can_move_claim_now(reviewer, claim, ClaimStatus.READY, consensus=False)
    assert can_move_claim_now(reviewer, claim, ClaimStatus.READY, consensus=True)
    assert can_move_claim_now(editor, claim, ClaimStatus.READY, consensus=False)
    assert not can_move_claim_now(reviewer, claim, ClaimStatus.REJECTED, consensus=True)
    assert not can_move_claim_now(editor, claim, ClaimStatus.PUBLISHED, consensus=True)
    # What the service does agrees.
    rate(claim, Verdict.TRUE, Verdict.FALSE)
    with pytest.raises(Exception, match="disputed"):
        claim_transition(claim=claim, to_status=ClaimStatus.READY, user=reviewer)


def test_correction_requested_holds_claims_with_open_reports_for_editors_only(
    editor, reviewer
) -> None:
    reported, answered, quiet = (ClaimFactory.create() for _ in range(3))
    CorrectionRequest.objects.create(claim=reported, message="The figure is wrong.")
    CorrectionRequest.objects.create(
        claim=answered, message="Typo.", status=CorrectionRequestStatus.ANSWERED
    )
    correction_requested = queue_get("correction_requested")

    assert members("correction_requested") == {reported.pk}
    assert set(correction_requested.claims_seen_by(editor)) == {reported}
    # Readers' reports are the editors' to read: a reviewer's queue search finds nothing.
    assert list(correction_requested.claims_seen_by(reviewer)) == []
    assert quiet not in correction_requested.claims()
