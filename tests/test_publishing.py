"""Editors publish a ready claim's verdict and rationale; unpublishing keeps the history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from claims.models import ClaimStatus, Verdict
from editorial.models import ClaimTransition, ConsensusState, Publication
from editorial.services.workflow import claim_publish, claim_unpublish
from tests.factories import ClaimFactory, EvidenceFactory
from tests.workflow import make_ready, rate

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready_with_consensus(editor):
    claim = ClaimFactory.create()
    EvidenceFactory.create(claim=claim)
    rate(claim, Verdict.FALSE, Verdict.FALSE, Verdict.MOSTLY_FALSE)
    return make_ready(claim, editor)


def test_publishing_the_consensus_verdict_needs_no_note(editor, ready_with_consensus) -> None:
    claim = ready_with_consensus

    publication = claim_publish(
        claim=claim, editor=editor, verdict=Verdict.FALSE, rationale="  The budget says $1.5m. "
    )

    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PUBLISHED
    assert (publication.verdict, publication.rationale, publication.note) == (
        Verdict.FALSE,
        "The budget says $1.5m.",
        "",
    )
    assert (publication.consensus_state, publication.consensus_verdict) == (
        ConsensusState.CONSENSUS,
        Verdict.FALSE,
    )
    assert not publication.overrides_consensus
    assert publication.published_by == editor
    assert publication.first_published_at == publication.published_at
    record = ClaimTransition.objects.filter(claim=claim).latest("id")
    assert (record.from_status, record.to_status, record.user) == (
        ClaimStatus.READY,
        ClaimStatus.PUBLISHED,
        editor,
    )


def test_a_verdict_other_than_the_consensus_needs_a_note(editor, ready_with_consensus) -> None:
    claim = ready_with_consensus

    with pytest.raises(ValidationError) as refused:
        claim_publish(claim=claim, editor=editor, verdict=Verdict.MISLEADING, rationale="Why.")

    assert refused.value.message_dict == {
        "note": [
            "The verdict differs from the reviewers' consensus (False): add a note saying why."
        ]
    }
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.READY
    assert not Publication.objects.exists()


def test_an_override_with_a_note_is_published_and_marked(editor, ready_with_consensus) -> None:
    publication = claim_publish(
        claim=ready_with_consensus,
        editor=editor,
        verdict=Verdict.MISLEADING,
        rationale="The figure is right but the comparison is not.",
        note="The reviewers rated the number, not the framing.",
    )

    assert publication.overrides_consensus
    assert publication.consensus_verdict == Verdict.FALSE
    assert publication.note == "The reviewers rated the number, not the framing."


def test_publishing_without_a_consensus_needs_a_note(editor) -> None:
    claim = ClaimFactory.create()
    EvidenceFactory.create(claim=claim)
    rate(claim, Verdict.TRUE, Verdict.FALSE)
    make_ready(claim, editor)

    with pytest.raises(ValidationError, match="while the ratings are disputed"):
        claim_publish(claim=claim, editor=editor, verdict=Verdict.MIXED, rationale="Both.")

    publication = claim_publish(
        claim=claim, editor=editor, verdict=Verdict.MIXED, rationale="Both.", note="My call."
    )
    assert publication.overrides_consensus
    assert publication.consensus_state == ConsensusState.DISPUTED


@pytest.mark.parametrize("status", [ClaimStatus.OPEN, ClaimStatus.IN_REVIEW, ClaimStatus.REJECTED])
def test_only_ready_claims_can_be_published(editor, status: str) -> None:
    claim = ClaimFactory.create(status=status)

    with pytest.raises(ValidationError, match="cannot go from"):
        claim_publish(claim=claim, editor=editor, verdict="true", rationale="Yes.", note="x")


def test_only_editors_publish(reviewer, ready_with_consensus) -> None:
    with pytest.raises(PermissionDenied):
        claim_publish(
            claim=ready_with_consensus, editor=reviewer, verdict=Verdict.FALSE, rationale="No."
        )


@pytest.mark.parametrize(
    ("verdict", "rationale", "field"), [("wrong", "Why.", "verdict"), ("false", "  ", "rationale")]
)
def test_a_verdict_and_a_rationale_are_required(
    editor, ready_with_consensus, verdict: str, rationale: str, field: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        claim_publish(
            claim=ready_with_consensus, editor=editor, verdict=verdict, rationale=rationale
        )

    assert set(refused.value.message_dict) == {field}


def test_unpublishing_needs_a_note_and_goes_back_to_ready(editor, ready_with_consensus) -> None:
    claim = ready_with_consensus
    claim_publish(claim=claim, editor=editor, verdict=Verdict.FALSE, rationale="No.")

    with pytest.raises(ValidationError, match="Say why"):
        claim_unpublish(claim=claim, editor=editor, note="")
    record = claim_unpublish(claim=claim, editor=editor, note="A correction is coming.")

    claim.refresh_from_db()
    assert claim.status == ClaimStatus.READY
    assert (record.from_status, record.to_status, record.note) == (
        ClaimStatus.PUBLISHED,
        ClaimStatus.READY,
        "A correction is coming.",
    )
    assert not Publication.objects.exists()


def test_unpublishing_keeps_the_publication_in_history(editor, ready_with_consensus) -> None:
    claim = ready_with_consensus
    claim_publish(claim=claim, editor=editor, verdict=Verdict.FALSE, rationale="First take.")
    claim_unpublish(claim=claim, editor=editor, note="Wrong figure.")

    history = Publication.history.filter(claim_id=claim.pk).order_by("history_date")

    assert [(h.history_type, h.verdict, h.rationale, h.history_user) for h in history] == [
        ("+", Verdict.FALSE, "First take.", editor),
        ("-", Verdict.FALSE, "First take.", editor),
    ]


def test_only_published_claims_can_be_unpublished(editor) -> None:
    with pytest.raises(ValidationError, match="The claim is already ready"):
        claim_unpublish(
            claim=ClaimFactory.create(status=ClaimStatus.READY), editor=editor, note="x"
        )


def test_republishing_keeps_the_first_publication_date(editor, ready_with_consensus) -> None:
    claim = ready_with_consensus
    first = claim_publish(claim=claim, editor=editor, verdict=Verdict.FALSE, rationale="One.")
    claim_unpublish(claim=claim, editor=editor, note="Fixing a typo.")
    Publication.history.filter(claim_id=claim.pk).update(
        first_published_at=first.first_published_at - timedelta(days=3)
    )

    again = claim_publish(
        claim=claim, editor=editor, verdict=Verdict.MOSTLY_FALSE, rationale="Two.", note="Nuance."
    )

    assert again.first_published_at == first.first_published_at - timedelta(days=3)
    assert again.published_at > again.first_published_at
    assert again.published_at <= timezone.now()
