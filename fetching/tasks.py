"""Celery tasks: thin wrappers that take ids and call ``fetching.services``.

Each is safe to run twice (the services claim the work under the task's id),
acknowledged late so a killed worker's job is redelivered, and retried with
exponential backoff and jitter on transient failures only.
"""

from __future__ import annotations

import random

from celery import Task, shared_task
from celery.signals import worker_init
from django.conf import settings

from claims.models import Evidence, Source
from fetching import content, services
from fetching.queue import enqueue_source_fetches, send_source_fetches

MAX_BACKOFF_SECONDS = 3600


@worker_init.connect
def _warm_up_extraction(**kwargs: object) -> None:
    """Before the pool takes jobs (and before prefork children fork, so they share it)."""
    content.warm_up()


def backoff_seconds(retries: int, retry_after: float | None = None) -> float:
    """Exponential backoff with full jitter; a server's Retry-After is a floor."""
    ceiling = min(settings.FETCH_RETRY_BASE_SECONDS * 2**retries, MAX_BACKOFF_SECONDS)
    delay = random.uniform(ceiling / 2, ceiling)
    if retry_after is not None:
        delay = max(delay, min(retry_after, MAX_BACKOFF_SECONDS))
    return delay


def _fetch(task: Task, model: services.FetchableModel, pk: int) -> str:
    retries = task.request.retries
    run = services.run_fetch(
        model,
        pk,
        task_id=task.request.id or f"local-{pk}",
        final_attempt=retries >= settings.FETCH_MAX_RETRIES,
    )
    if run.outcome == "retry":
        assert run.page is not None
        raise task.retry(
            countdown=backoff_seconds(retries, run.page.retry_after),
            max_retries=settings.FETCH_MAX_RETRIES,
        )
    if run.outcome == "done" and run.snapshot is not None:
        from verification import services as verification

        if model is Source:
            verification.verify_quotes_citing(source_id=pk)
        else:
            verification.verify_evidence(evidence_id=pk)
    return run.outcome


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True)
def fetch_source(self: Task, source_id: int) -> str:
    return _fetch(self, Source, source_id)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True)
def fetch_evidence(self: Task, evidence_id: int) -> str:
    return _fetch(self, Evidence, evidence_id)


@shared_task(acks_late=True)
def fan_out_source_fetches(source_ids: list[int]) -> int:
    """Queue one fetch per source (many sources: see ``fetching.queue``)."""
    send_source_fetches(source_ids)
    return len(source_ids)


@shared_task(acks_late=True)
def recheck_sources() -> int:
    """Periodic (beat): fetch again what is due, and what lost its job."""
    source_ids = services.due_for_fetch(Source)
    enqueue_source_fetches(source_ids)
    evidence_ids = services.due_for_fetch(Evidence)
    for evidence_id in evidence_ids:
        fetch_evidence.delay(evidence_id)
    return len(source_ids) + len(evidence_ids)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True)
def import_article_from_url(self: Task, article_id: int) -> str:
    from fetching import article_import

    run = article_import.run_import(article_id, task_id=self.request.id or "local")
    if run.retry_after is not None and self.request.retries < settings.FETCH_MAX_RETRIES:
        raise self.retry(countdown=backoff_seconds(self.request.retries, run.retry_after))
    if run.retry_after is not None:
        article_import.give_up(article_id, task_id=self.request.id or "local")
    return run.outcome
