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
    reused_from = models.ForeignKey(
        Claim,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The claim linked as the same claim whose published verdict the editor reused.",
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


class Correction(models.Model):
    """A change to a published verdict or rationale, with the note the public reads.

    Kept with the claim (not only its publication): unpublishing and publishing again
    keep the log of corrections a reader was shown.
    """

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="corrections")
    publication = models.ForeignKey(
        Publication,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="corrections",
    )
    note = models.TextField(help_text="What was corrected and why; shown to the public.")
    previous_verdict = models.CharField(max_length=12, choices=Verdict.choices)
    previous_rationale = models.TextField()
    new_verdict = models.CharField(max_length=12, choices=Verdict.choices)
    new_rationale = models.TextField()
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="corrections",
    )
    corrected_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-corrected_at", "-id"]
        constraints = [
            in_choices("previous_verdict", Verdict.values, "correction_previous_verdict_valid"),
            in_choices("new_verdict", Verdict.values, "correction_new_verdict_valid"),
            models.CheckConstraint(
                condition=~Q(note=""),
                name="correction_has_note",
                violation_error_message="A correction needs a note for the public.",
            ),
            models.CheckConstraint(
                condition=~Q(previous_verdict=models.F("new_verdict"))
                | ~Q(previous_rationale=models.F("new_rationale")),
                name="correction_changes_something",
                violation_error_message="A correction changes the verdict or the rationale.",
            ),
        ]
        indexes = [models.Index(fields=["claim", "-corrected_at"], name="correction_claim_latest")]

    def __str__(self) -> str:
        return f"Correction of claim {self.claim_id} on {self.corrected_at:%Y-%m-%d}"

    @property
    def verdict_changed(self) -> bool:
        return self.previous_verdict != self.new_verdict


class CorrectionRequestStatus(models.TextChoices):
    OPEN = "open", "Open"
    ANSWERED = "answered", "Answered"
    RESOLVED = "resolved", "Resolved"
    DISMISSED = "dismissed", "Dismissed"


class CorrectionRequest(models.Model):
    """A reader's report of an error on a public fact-check page, for the editors' queue.

    Readers need no account; their name and email are optional. The client's address
    is kept only as a keyed hash (``client_hash``), enough to tell reports from the
    same client apart, never the address itself.
    """

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="correction_requests")
    message = models.TextField()
    name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(max_length=254, blank=True)
    client_hash = models.CharField(max_length=64, blank=True, editable=False)
    status = models.CharField(
        max_length=10,
        choices=CorrectionRequestStatus.choices,
        default=CorrectionRequestStatus.OPEN,
    )
    response = models.TextField(blank=True, help_text="The editors' answer.")
    correction = models.ForeignKey(
        Correction,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="requests",
        help_text="The correction that resolved it, if any.",
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="handled_correction_requests",
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            in_choices("status", CorrectionRequestStatus.values, "correction_request_status_valid"),
            models.CheckConstraint(
                condition=~Q(message=""),
                name="correction_request_has_message",
                violation_error_message="A report needs a message.",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="correction_request_status"),
            models.Index(fields=["claim", "status"], name="correction_request_claim"),
        ]

    def __str__(self) -> str:
        text = self.message if len(self.message) <= 60 else f"{self.message[:59]}…"
        return f"{self.get_status_display()}: {text}"


class SitePage(models.TextChoices):
    METHODOLOGY = "methodology", "Methodology"


class SiteText(models.Model):
    """Text an admin writes for a public page (the methodology), in plain paragraphs."""

    page = models.CharField(max_length=20, choices=SitePage.choices, unique=True)
    body = models.TextField(
        blank=True, help_text="Plain text; a blank line starts a new paragraph."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["page"]
        verbose_name = "site text"
        constraints = [in_choices("page", SitePage.values, "site_text_page_valid")]

    def __str__(self) -> str:
        return self.get_page_display()
