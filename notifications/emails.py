"""Notifications by e-mail: one at once, or a day's in one digest, each with plain text
and HTML parts, absolute links (``SITE_URL``) and a link to unsubscribe."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from notifications.models import EmailState, Kind, Notification, ReaderReply
from notifications.tokens import ALL_KINDS, unsubscribe_token

# A digest lists at most this many; the inbox has the rest.
DIGEST_MAX_ITEMS = 100


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def claim_link(notification: Notification) -> str:
    if notification.claim_id is None:
        return absolute(reverse("web:notifications"))
    return absolute(reverse("web:claim", args=[notification.claim_id]))


def unsubscribe_link(user: Any, kind: str = ALL_KINDS) -> str:
    token = unsubscribe_token(user=user, kind=kind)
    return absolute(reverse("notification-unsubscribe", args=[token]))


def _subject(text: str) -> str:
    text = " ".join(text.split())
    text = text if len(text) <= 120 else f"{text[:119]}…"
    return f"[{settings.CLAIMREVIEW_ORGANIZATION_NAME}] {text}"


def _message(
    *, user: Any, subject: str, template: str, context: dict[str, Any], unsubscribe: str
) -> EmailMultiAlternatives:
    context = {
        **context,
        "user": user,
        "unsubscribe_url": unsubscribe,
        "unsubscribe_all_url": unsubscribe_link(user),
        "preferences_url": absolute(reverse("web:notification-preferences")),
        "inbox_url": absolute(reverse("web:notifications")),
        "site_name": settings.CLAIMREVIEW_ORGANIZATION_NAME,
    }
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"notifications/email/{template}.txt", context),
        to=[user.email],
        headers={
            # RFC 8058: mail clients unsubscribe with one POST to this address.
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(
        render_to_string(f"notifications/email/{template}.html", context), "text/html"
    )
    return message


def instant_message(notification: Notification) -> EmailMultiAlternatives:
    user = notification.recipient
    return _message(
        user=user,
        subject=_subject(notification.text),
        template="instant",
        context={
            "notification": notification,
            "link": claim_link(notification),
            "kind_label": Kind(notification.kind).label,
        },
        unsubscribe=unsubscribe_link(user, notification.kind),
    )


def digest_message(user: Any, notifications: Sequence[Notification]) -> EmailMultiAlternatives:
    count = len(notifications)
    items = [{"notification": n, "link": claim_link(n)} for n in notifications]
    return _message(
        user=user,
        subject=_subject(f"{count} notification{'s' if count != 1 else ''} today"),
        template="digest",
        context={"items": items, "count": count},
        unsubscribe=unsubscribe_link(user),
    )


def _claimed(queryset: Any) -> Any:
    """Rows locked for this sender; skipped if another is sending them (a second run)."""
    return queryset.select_for_update(skip_locked=True, of=("self",)).select_related(
        "recipient", "claim__article", "actor"
    )


def send_instant(ids: Sequence[int]) -> int:
    """E-mail each of these notifications still waiting to be, one by one: a failure
    leaves the ones not sent waiting, and a second run sends none twice."""
    sent = 0
    connection = get_connection()
    for pk in ids:
        with transaction.atomic():
            row = _claimed(Notification.objects.filter(pk=pk, email_state=EmailState.PENDING))
            notification = row.first()
            if notification is None:
                continue
            message = instant_message(notification)
            message.connection = connection
            message.send()
            Notification.objects.filter(pk=pk).update(
                email_state=EmailState.SENT, emailed_at=timezone.now()
            )
            sent += 1
    return sent


def overdue_instant(*, older_than: timedelta) -> list[int]:
    """Notifications to e-mail at once that no job sent (the broker was down)."""
    due = Notification.objects.filter(
        email_state=EmailState.PENDING, created_at__lt=timezone.now() - older_than
    )
    return list(due.order_by("created_at", "id").values_list("pk", flat=True)[:1000])


def send_digest(user_id: int) -> int:
    """One e-mail with ``user_id``'s notifications waiting for the digest; how many."""
    with transaction.atomic():
        waiting = Notification.objects.filter(recipient_id=user_id, email_state=EmailState.DIGEST)
        rows = list(_claimed(waiting).order_by("created_at", "id")[:DIGEST_MAX_ITEMS])
        if not rows:
            return 0
        digest_message(rows[0].recipient, rows).send()
        Notification.objects.filter(pk__in=[row.pk for row in rows]).update(
            email_state=EmailState.SENT, emailed_at=timezone.now()
        )
    return len(rows)


def digest_recipients() -> list[int]:
    waiting = Notification.objects.filter(email_state=EmailState.DIGEST)
    return sorted(set(waiting.values_list("recipient_id", flat=True)))


def reader_reply_message(reply: ReaderReply) -> EmailMultiAlternatives:
    report = reply.correction_request
    context = {
        "report": report,
        "response": reply.response,
        "link": absolute(reverse("fact-check", args=[report.claim_id])),
        "site_name": settings.CLAIMREVIEW_ORGANIZATION_NAME,
    }
    message = EmailMultiAlternatives(
        subject=_subject("An answer to the error you reported"),
        body=render_to_string("notifications/email/reader_reply.txt", context),
        to=[report.email],
    )
    message.attach_alternative(
        render_to_string("notifications/email/reader_reply.html", context), "text/html"
    )
    return message


def send_reader_reply(reply_id: int) -> bool:
    """E-mail the reader the editors' answer, once."""
    with transaction.atomic():
        reply = (
            ReaderReply.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("correction_request")
            .filter(pk=reply_id, sent_at__isnull=True)
            .first()
        )
        if reply is None or not reply.correction_request.email:
            return False
        reader_reply_message(reply).send()
        ReaderReply.objects.filter(pk=reply.pk).update(sent_at=timezone.now())
    return True
