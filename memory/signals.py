"""The claim's text changed: queue its vector.

A signal, because ``claims`` sits below this app and must not know of it; every
service that writes a claim saves it, and ``update_fields`` says what changed.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save

from claims.models import Claim
from memory.tasks import enqueue_claim_vector

TEXT_FIELDS = frozenset({"summary", "quote"})


def claim_saved(
    sender: type[Claim], instance: Claim, created: bool, update_fields: Any = None, **kwargs: Any
) -> None:
    if kwargs.get("raw"):  # loading fixtures
        return
    if created or update_fields is None or TEXT_FIELDS & set(update_fields):
        enqueue_claim_vector(instance.pk)


def connect() -> None:
    post_save.connect(claim_saved, sender=Claim, dispatch_uid="memory.claim_saved")
