from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    """Groups that carry a reviewer's or an editor's rights (admins are staff users)."""

    REVIEWER = "reviewer", "Reviewer"
    EDITOR = "editor", "Editor"


class User(AbstractUser):
    """A person who reviews, edits or administers; rights come from groups."""

    display_name = models.CharField(max_length=150, blank=True)

    class Meta(AbstractUser.Meta):  # type: ignore[name-defined]
        ordering = ["username"]

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username
