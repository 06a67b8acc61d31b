"""Writes of notifications: telling people (in bulk), reading, and e-mail preferences."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from claims.models import Claim
from notifications import tasks
from notifications.models import (
    DEFAULT_DELIVERY,
    Delivery,
    EmailState,
    Kind,
    Notification,
    Preference,
    ReaderReply,
)
from notifications.tokens import ALL_KINDS


def notifications_create(
    *,
    kind: str,
    texts: Mapping[int, str],
    claim: Claim | None = None,
    claim_of: Mapping[int, Claim] | None = None,
    actor: Any = None,
) -> list[Notification]:
    """Tell each person in ``texts`` (user id -> what they are told) what happened, never
    the actor; e-mail those who want it at once (after commit). The notification is about
    ``claim``, or each person's claim in ``claim_of``. A fixed number of queries whatever
    the number of people."""
    actor_id = getattr(actor, "pk", None)
    wanted = [user_id for user_id in texts if user_id != actor_id]
    if not wanted:
        return []
    emails = dict(User.objects.filter(pk__in=wanted, is_active=True).values_list("pk", "email"))
    chosen = dict(
        Preference.objects.filter(user_id__in=emails, kind=kind).values_list("user_id", "delivery")
    )
    now = timezone.now()
    rows = []
    for user_id in wanted:
        if user_id not in emails:
            continue
        delivery = chosen.get(user_id, DEFAULT_DELIVERY[kind])
        rows.append(
            Notification(
                recipient_id=user_id,
                kind=kind,
                claim=claim_of.get(user_id, claim) if claim_of else claim,
                actor_id=actor_id,
                text=texts[user_id][:500],
                created_at=now,
                email_state=_email_state(delivery, has_address=bool(emails[user_id])),
            )
        )
    created = Notification.objects.bulk_create(rows)
    instant = [row.pk for row in created if row.email_state == EmailState.PENDING]
    if instant:
        tasks.enqueue_emails(instant)
    return created


def _email_state(delivery: str, *, has_address: bool) -> str:
    if not has_address or delivery == Delivery.OFF:
        return EmailState.NONE
    return EmailState.PENDING if delivery == Delivery.INSTANT else EmailState.DIGEST


def reader_reply_create(*, correction_request: Any) -> ReaderReply | None:
    """E-mail the editors' answer to the reader who reported the error, if they left an
    address (after commit)."""
    if not correction_request.email or not correction_request.response:
        return None
    reply = ReaderReply.objects.create(
        correction_request=correction_request, response=correction_request.response
    )
    tasks.enqueue_reader_reply(reply.pk)
    return reply


def notification_mark_read(*, notification: Notification, user: Any) -> Notification:
    """Mark one of ``user``'s notifications read (no change if it already was)."""
    if notification.recipient_id != user.pk:
        raise ValidationError("This notification is someone else's.", code="not_yours")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def notifications_mark_all_read(*, user: Any) -> int:
    """Mark every unread notification of ``user`` read; returns how many."""
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def preferences_of(user: Any) -> dict[str, str]:
    """How ``user`` gets each kind by e-mail (their choice, else the default)."""
    chosen = dict(Preference.objects.filter(user_id=user.pk).values_list("kind", "delivery"))
    return {kind: chosen.get(kind, DEFAULT_DELIVERY[kind]) for kind in Kind.values}


@transaction.atomic
def preferences_set(*, user: Any, deliveries: Mapping[str, str]) -> dict[str, str]:
    """Set how ``user`` gets the kinds named in ``deliveries``; returns all of them."""
    unknown = sorted(set(deliveries) - set(Kind.values))
    if unknown:
        raise ValidationError(f"No such kind of notification: {', '.join(unknown)}.")
    wrong = sorted({value for value in deliveries.values() if value not in Delivery.values})
    if wrong:
        raise ValidationError(
            f"Choose one of {', '.join(Delivery.values)}, not {', '.join(wrong)}."
        )
    Preference.objects.bulk_create(
        [Preference(user_id=user.pk, kind=k, delivery=d) for k, d in deliveries.items()],
        update_conflicts=True,
        unique_fields=["user", "kind"],
        update_fields=["delivery"],
    )
    # What was waiting to be e-mailed of a kind now off is not sent.
    off = [kind for kind, delivery in deliveries.items() if delivery == Delivery.OFF]
    Notification.objects.filter(
        recipient_id=user.pk, kind__in=off, email_state__in=[EmailState.PENDING, EmailState.DIGEST]
    ).update(email_state=EmailState.NONE)
    return preferences_of(user)


def unsubscribe(*, user: Any, kind: str) -> dict[str, str]:
    """Stop e-mails of ``kind`` (``"all"``: of every kind) to ``user``."""
    kinds: Iterable[str] = Kind.values if kind == ALL_KINDS else [kind]
    return preferences_set(user=user, deliveries=dict.fromkeys(kinds, Delivery.OFF))
