"""Background jobs on the claims data, and the functions that queue them.

Tasks are thin: they take ids and call one service (``claims.pipeline.fetches``,
``claims.pipeline.article_fetch``, ``claims.pipeline.quotes``). Each is safe to run
twice (the services claim the work under the task's id), acknowledged late so a
killed worker's job is redelivered, and retried with exponential backoff and jitter
on transient failures only.

Services queue jobs through the ``enqueue_*`` functions below, which send them once
the current transaction commits (never inside it). The services that tasks call
never queue jobs themselves, so this module and the services import one way.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from itertools import zip_longest
from urllib.parse import urlsplit

from celery import Task, shared_task
from celery.signals import worker_init
from django.conf import settings
from django.db import transaction

from claims.models import Evidence, Source
from claims.pipeline import article_fetch, fetches, quotes
from fetching import content

MAX_BACKOFF_SECONDS = 3600
# Above this many sources, the web request queues one job that queues the fetches
# from a worker: an article with 2,000 links costs the request one message.
FAN_OUT_ABOVE = 20


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


def _fetch(task: Task, model: fetches.FetchableModel, pk: int) -> str:
    retries = task.request.retries
    run = fetches.run_fetch(
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
        if model is Source:
            quotes.verify_quotes_citing(source_id=pk)
        else:
            quotes.verify_evidence(evidence_id=pk)
    return run.outcome


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True)
def fetch_source(self: Task, source_id: int) -> str:
    return _fetch(self, Source, source_id)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True)
def fetch_evidence(self: Task, evidence_id: int) -> str:
    return _fetch(self, Evidence, evidence_id)


@shared_task(acks_late=True)
def fan_out_source_fetches(source_ids: list[int]) -> int:
    """Queue one fetch per source (many sources: see ``enqueue_source_fetches``)."""
    send_source_fetches(source_ids)
    return len(source_ids)


@shared_task(acks_late=True)
def recheck_sources() -> int:
    """Periodic (beat): fetch again what is due, and what lost its job."""
    source_ids = fetches.due_for_fetch(Source)
    enqueue_source_fetches(source_ids)
    evidence_ids = fetches.due_for_fetch(Evidence)
    for evidence_id in evidence_ids:
        fetch_evidence.delay(evidence_id)
    return len(source_ids) + len(evidence_ids)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True)
def import_article_from_url(self: Task, article_id: int) -> str:
    run = article_fetch.run_import(article_id, task_id=self.request.id or "local")
    if run.retry_after is not None and self.request.retries < settings.FETCH_MAX_RETRIES:
        raise self.retry(countdown=backoff_seconds(self.request.retries, run.retry_after))
    if run.retry_after is not None:
        article_fetch.give_up(article_id, task_id=self.request.id or "local")
    if run.source_ids:
        enqueue_source_fetches(run.source_ids)
    return run.outcome


@shared_task(acks_late=True, reject_on_worker_lost=True)
def verify_claim(claim_id: int) -> int:
    return len(quotes.verify_claim(claim_id=claim_id))


@shared_task(acks_late=True, reject_on_worker_lost=True)
def verify_evidence(evidence_id: int) -> bool:
    return quotes.verify_evidence(evidence_id=evidence_id) is not None


# --- Queueing, after commit -------------------------------------------------------


def enqueue_source_fetches(source_ids: Iterable[int]) -> None:
    ids = list(source_ids)
    if len(ids) > FAN_OUT_ABOVE:
        transaction.on_commit(lambda: fan_out_source_fetches.delay(ids))
    elif ids:
        transaction.on_commit(lambda: send_source_fetches(ids))


def enqueue_evidence_fetch(evidence_id: int) -> None:
    transaction.on_commit(lambda: fetch_evidence.delay(evidence_id))


def enqueue_article_fetch(article_id: int) -> None:
    transaction.on_commit(lambda: import_article_from_url.delay(article_id))


def enqueue_claim_verification(claim_id: int) -> None:
    transaction.on_commit(lambda: verify_claim.delay(claim_id))


def enqueue_evidence_verification(evidence_id: int) -> None:
    transaction.on_commit(lambda: verify_evidence.delay(evidence_id))


def send_source_fetches(ids: list[int]) -> None:
    urls = dict(Source.objects.filter(pk__in=ids).values_list("pk", "url"))
    for source_id in sites_taking_turns(ids, urls):
        fetch_source.delay(source_id)


def sites_taking_turns(ids: list[int], urls: dict[int, str]) -> list[int]:
    """``ids`` reordered so that consecutive fetches go to different sites.

    An article often cites one site many times in a row. A worker takes jobs in queue
    order, and each site gets only FETCH_MAX_PER_HOST requests at a time, so a run of
    one site's sources would leave the worker's other threads waiting for that site.
    """
    by_site: dict[str, list[int]] = {}
    for source_id in ids:
        site = urlsplit(urls.get(source_id, "")).netloc.lower()
        by_site.setdefault(site, []).append(source_id)
    return [
        source_id
        for turn in zip_longest(*by_site.values())
        for source_id in turn
        if source_id is not None
    ]
