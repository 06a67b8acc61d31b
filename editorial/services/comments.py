from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from claims import policies
from claims.models import Claim
from editorial.models import Comment
from texts.textnorm import clean_text

MAX_COMMENT_CHARS = 20_000


def comment_create(*, claim: Claim, author: Any, body: str) -> Comment:
    """Add a message to the claim's discussion."""
    policies.check_comment(author, claim)
    body = clean_text(body)
    if not body:
        raise ValidationError({"body": "Write something."}, code="required")
    if len(body) > MAX_COMMENT_CHARS:
        raise ValidationError(
            {"body": f"A comment is at most {MAX_COMMENT_CHARS:,} characters."}, code="too_long"
        )
    return Comment.objects.create(claim=claim, author=author, body=body)
