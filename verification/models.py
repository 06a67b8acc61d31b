"""Does a passage that the article (or a piece of evidence) quotes appear in its source?"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from claims.models import Claim, Evidence, Source, SourceSnapshot


class QuoteResult(models.TextChoices):
    EXACT = "exact", "Exact"
    ALTERED = "altered", "Altered"
    NOT_FOUND = "not_found", "Not found"
    SOURCE_UNAVAILABLE = "source_unavailable", "Source unavailable"


class QuoteCheck(models.Model):
    """The latest verification of one quote against one fetched text.

    Either a quote-kind claim against one of the sources it relies on, or an
    evidence excerpt against the evidence's own URL. Re-run on every new snapshot.
    """

    claim = models.ForeignKey(
        Claim, on_delete=models.CASCADE, related_name="quote_checks", null=True, blank=True
    )
    source = models.ForeignKey(
        Source, on_delete=models.CASCADE, related_name="quote_checks", null=True, blank=True
    )
    evidence = models.ForeignKey(
        Evidence, on_delete=models.CASCADE, related_name="quote_checks", null=True, blank=True
    )
    snapshot = models.ForeignKey(
        SourceSnapshot, on_delete=models.SET_NULL, related_name="+", null=True, blank=True
    )
    quote = models.TextField()
    result = models.CharField(max_length=20, choices=QuoteResult.choices)
    score = models.FloatField(default=0.0)
    source_wording = models.TextField(blank=True)
    source_start = models.PositiveIntegerField(null=True, blank=True)
    source_end = models.PositiveIntegerField(null=True, blank=True)
    flags = models.JSONField(default=list, blank=True)
    checked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-checked_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(claim__isnull=False, source__isnull=False, evidence__isnull=True)
                | Q(claim__isnull=True, source__isnull=True, evidence__isnull=False),
                name="quote_check_claim_source_or_evidence",
            ),
            models.UniqueConstraint(
                fields=["claim", "source"], name="quote_check_one_per_claim_source"
            ),
            models.UniqueConstraint(fields=["evidence"], name="quote_check_one_per_evidence"),
            models.CheckConstraint(
                condition=Q(result__in=QuoteResult.values), name="quote_check_result_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_result_display()}: {self.quote[:60]}"
