"""The signed token of an unsubscribe link: who, and from which kind (or all)."""

from __future__ import annotations

from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError

from accounts.models import User
from notifications.models import Kind

UNSUBSCRIBE_SALT = "notifications.unsubscribe"
ALL_KINDS = "all"


def unsubscribe_token(*, user: Any, kind: str = ALL_KINDS) -> str:
    """A signed token that stops e-mails of ``kind`` (or all) to ``user``; it needs no
    sign-in and does not expire (an old e-mail's link still works)."""
    return signing.dumps({"u": user.pk, "k": kind}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_read(token: str) -> tuple[User, str]:
    """Who and what kind a token unsubscribes; ``ValidationError`` if it is not ours."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        user = User.objects.get(pk=data["u"], is_active=True)
        kind = str(data["k"])
    except (signing.BadSignature, KeyError, TypeError, ValueError, User.DoesNotExist):
        raise ValidationError(
            "This unsubscribe link is not valid (it may have been cut short).", code="invalid"
        ) from None
    if kind != ALL_KINDS and kind not in Kind.values:
        raise ValidationError("This unsubscribe link is not valid.", code="invalid")
    return user, kind
