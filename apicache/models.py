"""The data version that cached API reads are keyed by."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class DataVersion(models.Model):
    """One row whose ``token`` changes, in the same transaction, whenever data that a
    cached API read depends on changes: claims, their sources, evidence, ratings,
    consensus and publication, and the accounts, roles and tokens that authenticate.

    Database triggers change it (``apicache.triggers``), so every write path counts:
    services, the admin, ``QuerySet.update()``, bulk writes and raw SQL alike.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    token = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="data_version_single_row")]

    def __str__(self) -> str:
        return f"data version {self.token}"
