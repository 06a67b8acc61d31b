from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from claims import policies
from claims.models import Claim
from claims.textnorm import clean_text
from editorial.models import Comment

MAX_COMMENT_CHARS = 20_000


def comment_create(*, claim: Claim, author: Any, body: str) -> Comment:
    """Add a message to the claim's discussion."""
    if not policies.can_comment_on_claim(author, claim):
        raise PermissionDenied("Only reviewers and editors may take part in the discussion.")
    body = clean_text(body)
    if not body:
        raise ValidationError({"body": "Write something."}, code="required")
    if len(body) > MAX_COMMENT_CHARS:
        raise ValidationError(
            {"body": f"A comment is at most {MAX_COMMENT_CHARS:,} characters."}, code="too_long"
        )
    return Comment.objects.create(claim=claim, author=author, body=body)
