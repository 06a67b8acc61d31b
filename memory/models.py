"""A claim's meaning as a vector, kept beside the claim (``claims`` never knows of it)."""

from __future__ import annotations

import numpy as np
from django.db import models

from claims.models import Claim

DIMENSIONS = 256


class ClaimVector(models.Model):
    """The embedding of a claim's text (its summary, else its quote), as float32 bytes.

    Bytes, not a database vector type, so that SQLite and PostgreSQL store it alike;
    ``text_sha256`` says which text it was computed from, so an unchanged text is not
    embedded again.
    """

    claim = models.OneToOneField(Claim, on_delete=models.CASCADE, related_name="vector")
    vector = models.BinaryField(help_text="float32, little-endian, 256 values, unit length.")
    text = models.TextField(help_text="The text the vector was computed from.")
    text_sha256 = models.CharField(max_length=64)
    model_name = models.CharField(max_length=100)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    matched_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the claim's matches (ClaimMatch) were stored for this vector.",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(text_sha256__regex=r"^[0-9a-f]{64}$"),
                name="claimvector_sha256_hex",
            )
        ]

    def __str__(self) -> str:
        return f"vector of claim {self.claim_id}"

    def as_array(self) -> np.ndarray:
        return np.frombuffer(bytes(self.vector), dtype="<f4")


class ClaimMatch(models.Model):
    """One of a claim's best matches in other articles, as the job last scored it.

    Kept both ways (the score is symmetric): a new claim that matches an old one is
    stored on the old one's side too, so the old claim's page shows it without a search.
    """

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="matches")
    other = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(help_text="0..1, as memory.selectors scores a match.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["claim", "other"], name="claimmatch_once"),
            models.CheckConstraint(
                condition=~models.Q(claim=models.F("other")), name="claimmatch_not_itself"
            ),
            models.CheckConstraint(
                condition=models.Q(score__gte=0, score__lte=1), name="claimmatch_score_0_1"
            ),
        ]

    def __str__(self) -> str:
        return f"claim {self.claim_id} matches claim {self.other_id} ({self.score:.2f})"
