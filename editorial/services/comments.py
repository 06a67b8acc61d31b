"""A claim's discussion: messages added, corrected and deleted by their authors (and
editors, who moderate it). History keeps every version."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from claims import events, policies, stamps
from claims.history import save_as
from claims.models import Claim
from editorial.models import Comment
from texts.textnorm import clean_text

MAX_COMMENT_CHARS = 20_000


def _clean_body(body: str) -> str:
    body = clean_text(body)
    if not body:
        raise ValidationError({"body": "Write something."}, code="required")
    if len(body) > MAX_COMMENT_CHARS:
        raise ValidationError(
            {"body": f"A comment is at most {MAX_COMMENT_CHARS:,} characters."}, code="too_long"
        )
    return body


def comment_create(*, claim: Claim, author: Any, body: str) -> Comment:
    """Add a message to the claim's discussion."""
    policies.check_comment(author, claim)
    comment = Comment(claim=claim, author=policies.person(author), body=_clean_body(body))
    save_as(comment, author)
    events.emit(events.comment_posted, comment=comment, actor=author)
    return comment


def comment_update(*, comment: Comment, user: Any, body: str) -> Comment:
    """Correct a message; it then says it was edited, and when."""
    policies.check_change_comment(user, comment)
    body = _clean_body(body)
    if body == comment.body:
        return comment
    comment.body = body
    comment.edited_at = timezone.now()
    save_as(comment, user, update_fields=["body", "edited_at"])
    stamps.claim_changed(comment.claim_id, parts=stamps.COMMENT_CORRECTED)
    return comment


def comment_delete(*, comment: Comment, user: Any) -> None:
    """Delete a message; its history keeps it, with who deleted it."""
    policies.check_delete_comment(user, comment)
    comment._history_user = policies.person(user)  # type: ignore[attr-defined]
    claim_id = comment.claim_id
    comment.delete()
    stamps.claim_changed(claim_id, parts=stamps.COMMENT_CORRECTED)
