"""The job that keeps a claim's vector and stored matches current, and the function that
queues it."""

from __future__ import annotations

from celery import Task, shared_task
from django.db import transaction

from claims.tasks import DATABASE_ERRORS, send
from memory import services


@shared_task(
    bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=5, ignore_result=True
)
def compute_claim_vector(self: Task, claim_id: int) -> bool:
    """Safe to run twice: an unchanged text is not embedded again, nor matched again once
    its matches are stored."""
    try:
        return services.claim_vector_refresh(claim_id=claim_id)
    except DATABASE_ERRORS as exc:
        raise self.retry(exc=exc, countdown=min(2**self.request.retries, 60)) from exc


def enqueue_claim_vector(claim_id: int) -> None:
    """After the commit; a broker that is down is logged, and ``reindex_claims`` or the
    first search for the claim makes up for it."""
    transaction.on_commit(lambda: send(compute_claim_vector, claim_id), robust=True)
