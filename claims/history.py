from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import models


def save_as(instance: models.Model, user: Any, **kwargs: Any) -> None:
    """Save ``instance`` and record ``user`` as the author of this history entry."""
    if user is not None and not isinstance(user, AnonymousUser):
        instance._history_user = user  # type: ignore[attr-defined]
    instance.save(**kwargs)
