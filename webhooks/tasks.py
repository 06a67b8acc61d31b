"""The delivery jobs: thin, safe to run twice, acknowledged late, retried with backoff."""

from __future__ import annotations

from datetime import timedelta

from celery import Task, shared_task
from django.utils import timezone

from claims.tasks import DATABASE_ERRORS, send
from webhooks import delivery
from webhooks.models import Delivery, DeliveryStatus

# A delivery this long past its due time (or never handed to the broker) lost its job.
LOST_AFTER = timedelta(minutes=5)
RESEND_BATCH = 500


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None)
def deliver_webhook(self: Task, delivery_id: int) -> str:
    # Attempts are counted in the row (WEBHOOK_MAX_ATTEMPTS), not in Celery's retries.
    try:
        result = delivery.attempt(delivery_id, task_id=self.request.id or f"local-{delivery_id}")
    except DATABASE_ERRORS as exc:
        raise self.retry(exc=exc, countdown=5, max_retries=10) from exc
    if result.outcome == "retry":
        raise self.retry(countdown=result.retry_in)
    return result.outcome


@shared_task(acks_late=True)
def resend_lost_webhooks() -> int:
    """Periodic (beat): queue again the deliveries whose job was lost (a broker outage)."""
    now = timezone.now()
    lost = list(
        Delivery.objects.filter(
            status__in=[DeliveryStatus.PENDING, DeliveryStatus.RETRYING],
            created_at__lt=now - LOST_AFTER,
        )
        .exclude(next_attempt_at__gte=now - LOST_AFTER)
        .values_list("pk", flat=True)[:RESEND_BATCH]
    )
    for delivery_id in lost:
        if not send(deliver_webhook, delivery_id):
            break
        Delivery.objects.filter(pk=delivery_id).update(next_attempt_at=now)
    return len(lost)


def send_deliveries(delivery_ids: list[int]) -> None:
    for delivery_id in delivery_ids:
        if not send(deliver_webhook, delivery_id, unsent="the periodic resend will queue it"):
            break  # the broker is down: resend_lost_webhooks queues them later
