"""The editorial side of a claim: its consensus, its workflow log, who reviews it, the
discussion about it, and the verdict published for the public."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from claims.models import Claim, ClaimStatus, Verdict, in_choices


class ConsensusState(models.TextChoices):
    NEEDS_RATINGS = "needs_ratings", "Needs ratings"
    DISPUTED = "disputed", "Disputed"
    CONSENSUS = "consensus", "Consensus"


class ClaimConsensus(models.Model):
    """A claim's consensus as of its latest rating change (``editorial.consensus``).

    Stored, not computed per read, so that lists of claims show it without a
    query per row. Claims nobody has rated have no row: they need ratings.
    """

    claim = models.OneToOneField(
        Claim, on_delete=models.CASCADE, primary_key=True, related_name="consensus"
    )
    state = models.CharField(
        max_length=13, choices=ConsensusState.choices, default=ConsensusState.NEEDS_RATINGS
    )
    verdict = models.CharField(
        max_length=12,
        choices=Verdict.choices,
        blank=True,
        help_text="The leading verdict (also when disputed); empty below the minimum or on a tie.",
    )
    agreement = models.FloatField(
        null=True, blank=True, help_text="Share of the ratings that back the leading verdict."
    )
    ratings_count = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "consensus"
        verbose_name_plural = "consensus"
        ordering = ["claim"]
        constraints = [
            in_choices("state", ConsensusState.values, "consensus_state_valid"),
            in_choices("verdict", ["", *Verdict.values], "consensus_verdict_valid"),
            models.CheckConstraint(
                condition=Q(agreement__isnull=True) | Q(agreement__gte=0, agreement__lte=1),
                name="consensus_agreement_is_a_share",
            ),
            models.CheckConstraint(
                condition=~Q(state=ConsensusState.CONSENSUS)
                | (~Q(verdict="") & Q(agreement__isnull=False)),
                name="consensus_has_verdict_and_agreement",
                violation_error_message="A consensus names its verdict and agreement.",
            ),
        ]
        indexes = [models.Index(fields=["state", "verdict"], name="consensus_state_verdict")]

    def __str__(self) -> str:
        verdict = f" {self.get_verdict_display()}" if self.verdict else ""
        return f"{self.get_state_display()}{verdict}"


class ClaimTransition(models.Model):
    """One change of a claim's status: who, when, from, to and why."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=10, choices=ClaimStatus.choices)
    to_status = models.CharField(max_length=10, choices=ClaimStatus.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="claim_transitions",
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["claim", "created_at", "id"]
        constraints = [
            in_choices("from_status", ClaimStatus.values, "transition_from_valid"),
            in_choices("to_status", ClaimStatus.values, "transition_to_valid"),
            models.CheckConstraint(
                condition=~Q(from_status=models.F("to_status")),
                name="transition_changes_status",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class Assignment(models.Model):
    """An editor asked this reviewer to rate this claim."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="assignments")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    assigned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["claim", "assigned_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "reviewer"],
                name="assignment_one_per_claim_and_reviewer",
                violation_error_message="This reviewer is already assigned to this claim.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} on claim {self.claim_id}"


class Comment(models.Model):
    """A message in a claim's discussion thread."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="claim_comments",
    )
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(
        null=True, blank=True, help_text="When its text was last changed (empty: never)."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["claim", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(body=""),
                name="comment_has_body",
                violation_error_message="A comment needs some text.",
            )
        ]

    def __str__(self) -> str:
        return self.body if len(self.body) <= 60 else f"{self.body[:59]}…"


class Publication(models.Model):
    """The verdict an editor published for a claim, with the rationale the public reads.

    A row exists exactly while its claim is published: unpublishing deletes it,
    and its history keeps every version (who published what, and when).
    """

    claim = models.OneToOneField(Claim, on_delete=models.CASCADE, related_name="publication")
    verdict = models.CharField(max_length=12, choices=Verdict.choices)
    rationale = models.TextField(help_text="Shown to the public with the verdict.")
    note = models.TextField(
        blank=True, help_text="For the team; required when the verdict overrides the consensus."
    )
    consensus_state = models.CharField(max_length=13, choices=ConsensusState.choices)
    consensus_verdict = models.CharField(max_length=12, choices=Verdict.choices, blank=True)
    overrides_consensus = models.BooleanField(
        default=False,
        help_text="Published without a consensus, or with a verdict other than the consensus.",
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="publications",
    )
    published_at = models.DateTimeField(default=timezone.now)
    first_published_at = models.DateTimeField(
        default=timezone.now, help_text="When the claim was first published (before any unpublish)."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-published_at", "-id"]
        constraints = [
            in_choices("verdict", Verdict.values, "publication_verdict_valid"),
            in_choices("consensus_state", ConsensusState.values, "publication_state_valid"),
            in_choices(
                "consensus_verdict", ["", *Verdict.values], "publication_consensus_verdict_valid"
            ),
            models.CheckConstraint(
                condition=~Q(rationale=""),
                name="publication_has_rationale",
                violation_error_message="A published verdict needs its rationale.",
            ),
            models.CheckConstraint(
                condition=Q(overrides_consensus=False) | ~Q(note=""),
                name="publication_override_has_note",
                violation_error_message="A verdict that overrides the consensus needs a note.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_verdict_display()}: claim {self.claim_id}"
