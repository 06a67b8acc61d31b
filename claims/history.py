from __future__ import annotations

from typing import Any

from django.db import models

from claims.policies import person


def save_as(instance: models.Model, user: Any, **kwargs: Any) -> None:
    """Save ``instance`` and record ``user`` as the author of this history entry."""
    if person(user) is not None:
        instance._history_user = user  # type: ignore[attr-defined]
    instance.save(**kwargs)
