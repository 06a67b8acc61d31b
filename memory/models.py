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
