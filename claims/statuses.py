"""The statuses of articles and claims, apart from the models.

The rules that speak of them (``claims.policies``, ``claims.transitions``) are read
by the models' QuerySets in turn, so the statuses cannot live in the models module
without an import cycle. ``claims.models`` re-exports them.
"""

from __future__ import annotations

from django.db import models


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"


class ClaimStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_REVIEW = "in_review", "In review"
    READY = "ready", "Ready"
    PUBLISHED = "published", "Published"
    REJECTED = "rejected", "Rejected"


# A closed claim has left the review: nobody is assigned to it or queued to rate it.
CLOSED_CLAIM_STATUSES = (ClaimStatus.PUBLISHED, ClaimStatus.REJECTED)
