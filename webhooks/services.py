"""Subscribing to the desk's events, and turning an event into deliveries.

Every write takes the acting user and asks ``claims.policies`` first. A subscription's
URL gets the same checks as any fetch (``fetching.safe_http``): an address that is not
public (the cloud's metadata service at 169.254.169.254, a private network) is refused
when subscribing, and again at every delivery, since a name can resolve elsewhere later.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from claims import policies
from claims.events import EVENTS
from fetching import safe_http
from webhooks import signing
from webhooks.delivery import webhook_policy
from webhooks.models import Delivery, DeliveryStatus, Subscription
from webhooks.tasks import send_deliveries


def _clean_events(events: Iterable[str]) -> list[str]:
    names = list(dict.fromkeys(events))
    if not names:
        raise ValidationError({"events": "Name at least one event."})
    unknown = [name for name in names if name not in EVENTS]
    if unknown:
        raise ValidationError(
            {"events": f"Unknown events: {', '.join(map(str, unknown))}; use {', '.join(EVENTS)}."}
        )
    return names


def _clean_url(url: str) -> str:
    """A URL a delivery may go to now; ValidationError with the reason otherwise."""
    policy = webhook_policy()
    try:
        safe_http.check_destination(url, policy=policy)
    except safe_http.FetchError as exc:
        raise ValidationError({"url": f"Deliveries cannot go to this URL: {exc.reason}"}) from exc
    return url


def _clean_secret(secret: str) -> str:
    try:
        signing.secret_key(secret)
    except ValueError as exc:
        raise ValidationError({"secret": str(exc)}) from exc
    return secret


def subscription_check(*, url: str, events: Iterable[str]) -> None:
    """Raise the ValidationError that subscribing ``url`` to ``events`` would (forms)."""
    errors: dict[str, list[str]] = {}
    checks: list[Callable[[], object]] = [lambda: _clean_url(url), lambda: _clean_events(events)]
    for check in checks:
        try:
            check()
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def subscription_create(
    *, user: Any, url: str, events: Iterable[str], secret: str = ""
) -> Subscription:
    """Subscribe ``url`` to ``events``; a secret is made when none is given."""
    policies.check_manage_webhooks(user)
    return Subscription.objects.create(
        owner=policies.person(user),
        url=_clean_url(url),
        events=_clean_events(events),
        secret=_clean_secret(secret) if secret else signing.new_secret(),
    )


def subscription_update(
    *,
    subscription: Subscription,
    user: Any,
    url: str | None = None,
    events: Iterable[str] | None = None,
    secret: str | None = None,
    is_active: bool | None = None,
) -> Subscription:
    """Change what is given. Turning a subscription back on starts its count of failures
    again; turning it off records who did."""
    policies.check_manage_webhooks(user)
    if url is not None:
        subscription.url = _clean_url(url)
    if events is not None:
        subscription.events = _clean_events(events)
    if secret is not None:
        subscription.secret = _clean_secret(secret) if secret else signing.new_secret()
    if is_active is True and not subscription.is_active:
        subscription.is_active = True
        subscription.disabled_reason = ""
        subscription.disabled_at = None
        subscription.consecutive_failures = 0
    elif is_active is False and subscription.is_active:
        subscription.is_active = False
        subscription.disabled_reason = f"Turned off by {user}."
        subscription.disabled_at = timezone.now()
    subscription.updated_at = timezone.now()
    subscription.save()
    return subscription


def subscription_delete(*, subscription: Subscription, user: Any) -> None:
    policies.check_manage_webhooks(user)
    subscription.delete()


def subscribers(event_type: str) -> list[Subscription]:
    """The active subscriptions to ``event_type`` whose owners may still receive it.

    Few rows: filtered here, as SQLite cannot look inside a JSON list."""
    return [
        subscription
        for subscription in Subscription.objects.filter(is_active=True).select_related("owner")
        if event_type in subscription.events and policies.can_manage_webhooks(subscription.owner)
    ]


def new_message_id() -> str:
    return f"msg_{uuid.uuid4().hex}"


@transaction.atomic
def event_deliver(
    *,
    event_type: str,
    data: dict[str, Any],
    subscriptions: list[Subscription],
    occurred_at: datetime | None = None,
) -> list[Delivery]:
    """One delivery of the event per subscription, queued once they are stored."""
    occurred_at = occurred_at or timezone.now()
    payload = {"type": event_type, "timestamp": occurred_at.isoformat(), "data": data}
    deliveries = Delivery.objects.bulk_create(
        Delivery(
            subscription=subscription,
            message_id=new_message_id(),
            event_type=event_type,
            payload=payload,
            created_at=occurred_at,
        )
        for subscription in subscriptions
    )
    ids = [delivery.pk for delivery in deliveries]
    transaction.on_commit(lambda: send_deliveries(ids), robust=True)
    return deliveries


def delivery_redeliver(*, delivery: Delivery, user: Any) -> bool:
    """Send a failed delivery again, with the same message id (receivers deduplicate by
    it); False when it has not failed."""
    policies.check_manage_webhooks(user)
    again = Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.FAILED).update(
        status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=None
    )
    if again:
        transaction.on_commit(lambda: send_deliveries([delivery.pk]), robust=True)
    return bool(again)
