"""Sending one delivery: claimed under its task's id, sent once, every attempt logged.

An attempt claims the row with a conditional UPDATE (pending or retrying -> sending) and
finishes it with another under the same claim, so a job delivered twice, or redelivered
once it succeeded, sends nothing more. A copy of a job still running waits out its lease
(a worker killed mid-send leaves the row to the next copy once the lease is over).

Failures that may pass (a timeout, a refused connection, HTTP 5xx, 408, 429) are retried
with exponential backoff and jitter, ``WEBHOOK_MAX_ATTEMPTS`` attempts in all; others
(an address refused as private, HTTP 4xx, a redirect, which is not followed) fail at
once. ``WEBHOOK_DISABLE_AFTER_FAILURES`` deliveries failed in a row disable the
subscription, and its owner is told by e-mail (and the log).
"""

from __future__ import annotations

import json
import logging
import random
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import F, Q
from django.utils import timezone

from claims import policies
from fetching import safe_http
from webhooks import signing
from webhooks.models import Delivery, DeliveryStatus, Subscription

logger = logging.getLogger(__name__)

RESPONSE_MAX_BYTES = 64 * 1024  # a receiver's answer is read only for its status
ERROR_MAX = 500
MAX_BACKOFF_SECONDS = 3600
TRANSIENT_STATUSES = frozenset({408, 429})


def webhook_policy() -> safe_http.FetchPolicy:
    timeout = settings.WEBHOOK_TIMEOUT_SECONDS
    return safe_http.FetchPolicy(
        max_bytes=RESPONSE_MAX_BYTES,
        connect_timeout=min(settings.FETCH_CONNECT_TIMEOUT, timeout),
        read_timeout=timeout,
        total_timeout=timeout,
        max_redirects=0,
        allow_loopback=settings.FETCH_ALLOW_LOOPBACK,
        user_agent=settings.FETCH_USER_AGENT,
        max_per_host=settings.FETCH_MAX_PER_HOST,
    )


def body_of(delivery: Delivery) -> bytes:
    """The bytes sent (and signed): the same for every attempt."""
    return json.dumps(delivery.payload, separators=(",", ":"), ensure_ascii=False).encode()


def lease() -> timedelta:
    return timedelta(seconds=2 * settings.WEBHOOK_TIMEOUT_SECONDS + 30)


def backoff_seconds(attempts: int, retry_after: float | None = None) -> float:
    """After ``attempts`` failed attempts: exponential, full jitter; Retry-After a floor."""
    ceiling = min(settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** (attempts - 1), MAX_BACKOFF_SECONDS)
    delay = random.uniform(ceiling / 2, ceiling)
    if retry_after is not None:
        delay = max(delay, min(retry_after, MAX_BACKOFF_SECONDS))
    return delay


Outcome = Literal["skipped", "succeeded", "retry", "failed"]


@dataclass
class Attempt:
    outcome: Outcome
    retry_in: float = 0.0


@dataclass
class _Sent:
    response_code: int | None = None
    error: str = ""
    transient: bool = False
    retry_after: float | None = None


def attempt(delivery_id: int, *, task_id: str) -> Attempt:
    """One attempt at one delivery: what the delivery task does, without Celery."""
    now = timezone.now()
    claimable = Q(status__in=[DeliveryStatus.PENDING, DeliveryStatus.RETRYING]) | Q(
        status=DeliveryStatus.SENDING, claimed_at__lt=now - lease()
    )
    claimed = (
        Delivery.objects.filter(pk=delivery_id)
        .filter(claimable)
        .update(
            status=DeliveryStatus.SENDING,
            task_id=task_id,
            claimed_at=now,
            attempts=F("attempts") + 1,
            last_attempt_at=now,
        )
    )
    if not claimed:
        return Attempt("skipped")
    delivery = Delivery.objects.select_related("subscription__owner").get(pk=delivery_id)
    subscription = delivery.subscription
    if not subscription.is_active:
        _finish(delivery, DeliveryStatus.FAILED, _Sent(error="The subscription is disabled."))
        return Attempt("failed")
    if not policies.can_manage_webhooks(subscription.owner):
        reason = f"{subscription.owner} may no longer manage webhooks."
        _finish(delivery, DeliveryStatus.FAILED, _Sent(error=reason))
        subscription_disable(subscription, reason=reason)
        return Attempt("failed")
    try:
        sent = _send(subscription, delivery)
    except safe_http.HostBusy as exc:
        # Nothing went out: the attempt is given back.
        retry_in = min(max(exc.retry_after, 1.0), 60.0) * random.uniform(0.5, 1.5)
        _finish(delivery, DeliveryStatus.RETRYING, _Sent(error=exc.reason), retry_in=retry_in)
        Delivery.objects.filter(pk=delivery.pk).update(attempts=F("attempts") - 1)
        return Attempt("retry", retry_in)
    logger.info(
        "webhook delivery attempt",
        extra={
            "delivery": delivery.pk,
            "subscription": subscription.pk,
            "event": delivery.event_type,
            "attempt": delivery.attempts,
            "response_code": sent.response_code,
            "error": sent.error,
        },
    )
    if not sent.error:
        if _finish(delivery, DeliveryStatus.SUCCEEDED, sent):
            Subscription.objects.filter(pk=subscription.pk).update(consecutive_failures=0)
        return Attempt("succeeded")
    if sent.transient and delivery.attempts < settings.WEBHOOK_MAX_ATTEMPTS:
        retry_in = backoff_seconds(delivery.attempts, sent.retry_after)
        _finish(delivery, DeliveryStatus.RETRYING, sent, retry_in=retry_in)
        return Attempt("retry", retry_in)
    if _finish(delivery, DeliveryStatus.FAILED, sent):
        _count_failure(subscription)
    return Attempt("failed")


def _send(subscription: Subscription, delivery: Delivery) -> _Sent:
    body = body_of(delivery)
    headers = signing.headers(
        subscription.secret,
        message_id=delivery.message_id,
        timestamp=int(time.time()),
        body=body,
    )
    try:
        response = safe_http.post(
            subscription.url, body=body, headers=headers, policy=webhook_policy()
        )
    except safe_http.HostBusy:
        raise
    except safe_http.FetchError as exc:
        return _Sent(error=exc.reason[:ERROR_MAX], transient=exc.transient)
    code = response.status_code
    if 200 <= code < 300:
        return _Sent(response_code=code)
    if code in safe_http.REDIRECT_STATUSES:
        error = f"HTTP {code}: redirects are not followed; subscribe the URL it points to"
    else:
        excerpt = response.body[:200].decode("utf-8", "replace").strip()
        error = f"HTTP {code}" + (f": {excerpt}" if excerpt else "")
    return _Sent(
        response_code=code,
        error=error[:ERROR_MAX],
        transient=code >= 500 or code in TRANSIENT_STATUSES,
        retry_after=safe_http.retry_after_seconds(response),
    )


def _finish(
    delivery: Delivery, status: DeliveryStatus, sent: _Sent, *, retry_in: float | None = None
) -> bool:
    """Record the attempt's outcome, if the row is still this attempt's."""
    now = timezone.now()
    changes: dict[str, object] = {
        "status": status,
        "response_code": sent.response_code,
        "last_error": sent.error,
        "task_id": "",
        "claimed_at": None,
        "next_attempt_at": now + timedelta(seconds=retry_in) if retry_in is not None else None,
    }
    if status == DeliveryStatus.SUCCEEDED:
        changes["delivered_at"] = now
    return bool(
        Delivery.objects.filter(
            pk=delivery.pk,
            status=DeliveryStatus.SENDING,
            task_id=delivery.task_id,
            claimed_at=delivery.claimed_at,
        ).update(**changes)
    )


def _count_failure(subscription: Subscription) -> None:
    Subscription.objects.filter(pk=subscription.pk).update(
        consecutive_failures=F("consecutive_failures") + 1
    )
    failures = (
        Subscription.objects.filter(pk=subscription.pk)
        .values_list("consecutive_failures", flat=True)
        .first()
    )
    limit = settings.WEBHOOK_DISABLE_AFTER_FAILURES
    if failures is not None and failures >= limit:
        subscription_disable(
            subscription, reason=f"{failures} deliveries in a row failed (the limit is {limit})."
        )


def subscription_disable(subscription: Subscription, *, reason: str) -> bool:
    """Turn the subscription off, once, and tell its owner why."""
    now = timezone.now()
    disabled = Subscription.objects.filter(pk=subscription.pk, is_active=True).update(
        is_active=False, disabled_reason=reason[:500], disabled_at=now, updated_at=now
    )
    if not disabled:
        return False
    logger.warning(
        "webhook subscription disabled",
        extra={"subscription": subscription.pk, "url": subscription.url, "reason": reason},
    )
    owner = subscription.owner
    if owner.email:
        try:
            send_mail(
                subject="Webhook disabled: " + subscription.url[:100],
                message=(
                    f"The webhook subscription {subscription.pk} to {subscription.url} was "
                    f"disabled: {reason}\n\nNo more events are sent to it. Once the receiver "
                    "works again, turn it back on (PATCH /api/v1/webhooks/"
                    f'{subscription.pk}/ with {{"is_active": true}}, or the admin).'
                ),
                from_email=None,
                recipient_list=[owner.email],
            )
        except Exception:
            logger.exception("Could not e-mail %s that a webhook was disabled", owner)
    return True
