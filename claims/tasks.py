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

import logging
import random
from collections.abc import Callable, Iterable
from itertools import zip_longest
from typing import Any
from urllib.parse import urlsplit

import kombu.exceptions
import redis.exceptions
from celery import Task, shared_task
from celery.signals import worker_init
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import InterfaceError, OperationalError, connection, transaction
from django.utils import timezone

from claims.models import Evidence, Source, SourceSnapshot
from claims.pipeline import archives, article_fetch, fetches, quotes, suggestions
from claims.pipeline.fetches import backoff_seconds
from fetching import content

logger = logging.getLogger(__name__)

# Above this many sources, the web request queues one job that queues the fetches
# from a worker: an article with 2,000 links costs the request one message.
FAN_OUT_ABOVE = 20
# What sending a job raises when the broker is down or stops answering: kombu wraps
# most connection errors in its own, not every one on every transport.
BROKER_ERRORS: tuple[type[Exception], ...] = (
    kombu.exceptions.OperationalError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    OSError,
)
# A lost or killed database connection (a restart, pg_terminate_backend, a failover).
DATABASE_ERRORS = (OperationalError, InterfaceError)
# Retries of a job whose database connection failed, beyond its fetch retries; past
# them the row is left to the periodic recheck.
DATABASE_RETRIES = 10


@worker_init.connect
def _warm_up_extraction(**kwargs: object) -> None:
    """Before the pool takes jobs (and before prefork children fork, so they share it)."""
    content.warm_up()


def _after_database_error(task: Task, exc: Exception) -> Exception:
    """Retry the task on a fresh connection, soon; the retry takes its row back at once."""
    connection.close()  # broken: the next query opens a new one
    retries = task.request.retries
    if retries >= settings.FETCH_MAX_RETRIES + DATABASE_RETRIES:
        return exc
    logger.warning(
        "%s(%s) lost its database connection; retrying: %s",
        task.name,
        ", ".join(map(str, task.request.args or ())),
        exc,
    )
    return task.retry(exc=exc, countdown=min(2**retries, 60) * random.uniform(0.5, 1.0))


def _put_back(task: Task, countdown: float) -> None:
    """Queue this job again, as it is: same id and run, so it is not a retry.

    For a job that did not get to try: its site had no free slot, or another copy of it
    is still running. If the broker does not take it, the periodic recheck will.
    """
    send(
        task,
        *(task.request.args or ()),
        countdown=countdown,
        task_id=task.request.id,
        retries=task.request.retries,
        unsent=RECHECKED,
    )


def _fetch(task: Task, model: fetches.FetchableModel, pk: int) -> str:
    task_id = task.request.id or f"local-{pk}"
    try:
        # Run eagerly (apply(), CELERY_TASK_ALWAYS_EAGER), a job does all its work here.
        run = fetches.run_fetch(
            model, pk, task_id=task_id, run=task.request.retries, read=bool(task.request.is_eager)
        )
        if run.outcome == "read":
            assert run.page is not None
            # Reading is computing: it goes to the compute queue's workers, unless the
            # broker will not take it, when this worker reads the page itself.
            reader = read_source if model is Source else read_evidence
            if send(reader, pk, task_id, fetches.handed_over(run.page)):
                return run.outcome
            run = fetches.run_read(
                model, pk, task_id=task_id, downloaded=fetches.handed_over(run.page)
            )
    except DATABASE_ERRORS as exc:
        raise _after_database_error(task, exc) from exc
    return _after_fetch(model, pk, task, run)


def _read(
    task: Task,
    model: fetches.FetchableModel,
    pk: int,
    fetch_task_id: str,
    downloaded: dict[str, object],
) -> str:
    try:
        run = fetches.run_read(model, pk, task_id=fetch_task_id, downloaded=downloaded)
    except DATABASE_ERRORS as exc:
        raise _after_database_error(task, exc) from exc
    return _after_fetch(model, pk, task, run)


def _after_fetch(model: fetches.FetchableModel, pk: int, task: Task, run: fetches.FetchRun) -> str:
    if run.outcome == "wait":
        assert run.wait_until is not None
        wait = (run.wait_until - timezone.now()).total_seconds()
        _put_back(task, max(0.0, wait) + fetches.busy_delay())
    elif run.outcome == "busy":
        _put_back(task, run.retry_in)
    elif run.outcome == "retry":
        raise task.retry(countdown=run.retry_in)
    elif run.outcome == "done" and run.snapshot is not None:
        _send_archive_job(run.snapshot)
        try:
            if model is Source:
                quotes.verify_quotes_citing(source_id=pk)
            else:
                quotes.verify_evidence(evidence_id=pk)
        except DATABASE_ERRORS:
            connection.close()  # the snapshot is stored; check its quotes in a job of their own
            send(verify_source_quotes if model is Source else verify_evidence, pk, countdown=5)
    return run.outcome


# The fetch tasks count their attempts in the row (fetch_attempts), not in Celery's
# retry count, which also counts database retries and skips jobs put back unchanged.
@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None)
def fetch_source(self: Task, source_id: int) -> str:
    return _fetch(self, Source, source_id)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None)
def fetch_evidence(self: Task, evidence_id: int) -> str:
    return _fetch(self, Evidence, evidence_id)


# Reading a downloaded page (extracting its text, checking quotes against it): the
# compute queue's work (settings: CELERY_TASK_ROUTES). The fetch's claim on the row
# (fetch_task_id) still holds: a reading that never runs ends with its lease.
@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None)
def read_source(
    self: Task, source_id: int, fetch_task_id: str, downloaded: dict[str, object]
) -> str:
    return _read(self, Source, source_id, fetch_task_id, downloaded)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None)
def read_evidence(
    self: Task, evidence_id: int, fetch_task_id: str, downloaded: dict[str, object]
) -> str:
    return _read(self, Evidence, evidence_id, fetch_task_id, downloaded)


@shared_task(acks_late=True)
def fan_out_source_fetches(source_ids: list[int]) -> int:
    """Queue one fetch per source (many sources: see ``enqueue_source_fetches``)."""
    send_source_fetches(source_ids)
    return len(source_ids)


@shared_task(acks_late=True)
def recheck_sources() -> int:
    """Periodic (beat): fetch again what is due, and whatever lost its job."""
    source_ids = fetches.due_for_fetch(Source)
    send_source_fetches(source_ids)
    evidence_ids = fetches.due_for_fetch(Evidence)
    send_fetches(fetch_evidence, Evidence, evidence_ids)
    article_ids = article_fetch.due_for_import()
    for article_id in article_ids:
        if not send_article_import(article_id):
            break
    return len(source_ids) + len(evidence_ids) + len(article_ids)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None)
def import_article_from_url(self: Task, article_id: int) -> str:
    task_id = self.request.id or "local"
    try:
        run = article_fetch.run_import(article_id, task_id=task_id)
        if run.outcome == "busy":
            countdown = fetches.busy_delay(run.retry_after)
            article_fetch.mark_handed_over(article_id, due_in=countdown)
            _put_back(self, countdown)
            return run.outcome
        if run.retry_after is not None and self.request.retries < settings.FETCH_MAX_RETRIES:
            countdown = backoff_seconds(self.request.retries, run.retry_after)
            article_fetch.mark_handed_over(article_id, due_in=countdown)
            raise self.retry(countdown=countdown)
        if run.retry_after is not None:
            article_fetch.give_up(article_id, task_id=task_id)
    except DATABASE_ERRORS as exc:
        raise _after_database_error(self, exc) from exc
    if run.source_ids:
        enqueue_source_fetches(run.source_ids)
    return run.outcome


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None)
def recheck_article_from_url(self: Task, article_id: int, user_id: int | None = None) -> str:
    """Fetch an article's page again; a changed text becomes its next revision (running
    twice makes one: the second finds the text unchanged)."""
    try:
        run = article_fetch.run_recheck(article_id, user=_user(user_id))
    except DATABASE_ERRORS as exc:
        raise _after_database_error(self, exc) from exc
    if run.outcome == "busy":
        _put_back(self, fetches.busy_delay(run.retry_after))
        return run.outcome
    if run.retry_after is not None:
        if self.request.retries < settings.FETCH_MAX_RETRIES:
            raise self.retry(countdown=backoff_seconds(self.request.retries, run.retry_after))
        article_fetch.revision_check_done(
            article_id, "The page could not be fetched after several attempts."
        )
        return "failed"
    enqueue_source_fetches(run.source_ids)
    for claim_id in run.claim_ids:
        enqueue_claim_verification(claim_id)
    return run.outcome


def _user(user_id: int | None) -> Any:
    if user_id is None:
        return None
    return get_user_model().objects.filter(pk=user_id).first()


@shared_task(acks_late=True)
def recheck_article_revisions() -> int:
    """Periodic (beat): fetch again the pages of URL-imported articles that are due."""
    article_ids = article_fetch.due_for_recheck()
    for article_id in article_ids:
        if not send(recheck_article_from_url, article_id, unsent=RECHECKED):
            break
    return len(article_ids)


def _send_archive_job(snapshot: SourceSnapshot) -> None:
    """Ask a public web archive for a copy of the page, or for a dead page's (settings)."""
    try:
        job = archives.archive_job_for(snapshot)
    except DATABASE_ERRORS:
        connection.close()
        logger.warning("snapshot %s: could not decide about the web archive", snapshot.pk)
        return
    if job == "capture":
        send(archive_snapshot, snapshot.pk)
    elif job == "closest":
        send(find_archived_copy, snapshot.pk)


def _archive(task: Task, step: Callable[[int], archives.ArchiveRun], snapshot_id: int) -> str:
    try:
        run = step(snapshot_id)
    except DATABASE_ERRORS as exc:
        raise _after_database_error(task, exc) from exc
    if run.outcome == "busy":
        _put_back(task, run.retry_in or 1.0)  # the archive's own limit: not an attempt
    elif run.outcome == "retry" and task.request.retries < settings.WEB_ARCHIVE_MAX_RETRIES:
        raise task.retry(countdown=backoff_seconds(task.request.retries, run.retry_in))
    return run.outcome


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None)
def archive_snapshot(self: Task, snapshot_id: int) -> str:
    return _archive(self, archives.capture, snapshot_id)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None)
def find_archived_copy(self: Task, snapshot_id: int) -> str:
    return _archive(self, archives.find_closest, snapshot_id)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def verify_claim(claim_id: int) -> int:
    return len(quotes.verify_claim(claim_id=claim_id))


@shared_task(acks_late=True, reject_on_worker_lost=True)
def verify_evidence(evidence_id: int) -> bool:
    return quotes.verify_evidence(evidence_id=evidence_id) is not None


@shared_task(acks_late=True, reject_on_worker_lost=True)
def verify_source_quotes(source_id: int) -> int:
    return quotes.verify_quotes_citing(source_id=source_id)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def warm_suggestions(article_id: int) -> int:
    """Score a new article's sentences into the cache, so its first reader does not wait."""
    return suggestions.warm(article_id)


# --- Queueing, after commit -------------------------------------------------------
#
# A request's write has committed by the time its jobs are sent, so a broker that is
# down must not turn it into an error: the send gives up quickly (settings:
# CELERY_BROKER_TIMEOUT), says so in the log, and the rows it was for stay pending with
# no job handed over, which the periodic recheck looks for. ``robust`` callbacks: a
# database error after the commit is logged too, never the request's answer.


def enqueue_source_fetches(source_ids: Iterable[int]) -> None:
    ids = list(source_ids)
    if len(ids) > FAN_OUT_ABOVE:
        transaction.on_commit(lambda: _send_fan_out(ids), robust=True)
    elif ids:
        transaction.on_commit(lambda: send_source_fetches(ids), robust=True)


def enqueue_evidence_fetch(evidence_id: int) -> None:
    transaction.on_commit(
        lambda: send_fetches(fetch_evidence, Evidence, [evidence_id]), robust=True
    )


def enqueue_article_fetch(article_id: int) -> None:
    transaction.on_commit(lambda: send_article_import(article_id), robust=True)


def enqueue_article_recheck(article_id: int, *, user_id: int | None = None) -> None:
    transaction.on_commit(lambda: send(recheck_article_from_url, article_id, user_id), robust=True)


def enqueue_claim_verification(claim_id: int) -> None:
    transaction.on_commit(lambda: send(verify_claim, claim_id), robust=True)


def enqueue_source_quote_verification(source_id: int) -> None:
    transaction.on_commit(lambda: send(verify_source_quotes, source_id), robust=True)


def enqueue_suggestions_warm(article_id: int) -> None:
    transaction.on_commit(
        lambda: send(warm_suggestions, article_id, unsent="the reader scores them when opened"),
        robust=True,
    )


def enqueue_evidence_verification(evidence_id: int) -> None:
    transaction.on_commit(lambda: send(verify_evidence, evidence_id), robust=True)


# What becomes of a fetch job the broker did not take: the row it was for stays due.
RECHECKED = "the periodic recheck will queue it"


def send(
    task: Task,
    *args: object,
    countdown: float | None = None,
    task_id: str | None = None,
    retries: int = 0,
    unsent: str = "",
) -> bool:
    """Hand one job to the broker; False (and a warning) if the broker is unavailable.
    ``unsent`` says, in the warning, what will do the job instead, where something will."""
    try:
        if countdown is None and task_id is None:
            task.delay(*args)
        else:
            task.apply_async(args, countdown=countdown, task_id=task_id, retries=retries)
    except BROKER_ERRORS as exc:
        logger.warning(
            "%s(%s) not queued, the broker is unavailable (%s)%s",
            task.name,
            ", ".join(map(str, args)),
            exc,
            f"; {unsent}" if unsent else "",
        )
        return False
    return True


def send_fetches(task: Task, model: fetches.FetchableModel, ids: list[int]) -> None:
    sent: list[int] = []
    for pk in ids:
        if not send(task, pk, unsent=RECHECKED):
            # The broker is down: the others would each wait as long for nothing.
            if len(ids) > len(sent) + 1:
                logger.warning(
                    "%d more %s fetches not queued: %s",
                    len(ids) - len(sent) - 1,
                    model.__name__,
                    ids[len(sent) + 1 :][:50],
                )
            break
        sent.append(pk)
    fetches.mark_handed_over(model, sent)


def send_source_fetches(ids: list[int]) -> None:
    urls = dict(Source.objects.filter(pk__in=ids).values_list("pk", "url"))
    send_fetches(fetch_source, Source, sites_taking_turns(ids, urls))


def send_article_import(article_id: int) -> bool:
    if not send(import_article_from_url, article_id, unsent=RECHECKED):
        return False
    article_fetch.mark_handed_over(article_id)
    return True


def _send_fan_out(ids: list[int]) -> None:
    if send(fan_out_source_fetches, ids, unsent=RECHECKED):
        fetches.mark_handed_over(Source, ids)


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
