"""Nothing stays stuck: the recheck finds every row without a live job, a claim is a lease,
a busy site is waited for, and a write commits whatever the broker does. No worker here."""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from django.db import OperationalError
from django.utils import timezone

from claims.models import Article, ImportStatus, Source, SourceStatus
from claims.pipeline import fetches
from claims.pipeline.article_fetch import due_for_import
from claims.pipeline.fetches import PageFetch, claim, due_for_fetch, finish, lease
from claims.services.articles import article_import_url
from claims.tasks import fetch_source, import_article_from_url, recheck_sources
from factcheck.celery import app as celery_app
from fetching import safe_http
from tests.factories import ArticleFactory, EvidenceFactory, SourceFactory
from tests.webserver import PageServer, article_page

pytestmark = pytest.mark.django_db

PAGE = article_page("Annual parks report", "The city planted 4,012 street trees in 2023.")


def ago(**delta: float):
    return timezone.now() - timedelta(**delta)


def source_in(state: dict[str, Any]) -> Source:
    source = SourceFactory.create(status=state.pop("status", SourceStatus.PENDING))
    Source.objects.filter(pk=source.pk).update(**state)
    return source


def test_the_recheck_finds_every_row_without_a_live_job_and_leaves_live_ones(settings):
    settings.FETCH_LOST_AFTER_SECONDS = 600
    settings.FETCH_TOTAL_TIMEOUT = 30
    lost = {
        "never handed to the broker": source_in({"updated_at": ago(minutes=2)}),
        "handed over long ago, job lost": source_in(
            {"updated_at": ago(hours=1), "fetch_due_at": ago(minutes=11)}
        ),
        "released for retry, retry lost": source_in(
            {
                "fetch_task_id": "t1",
                "fetch_started_at": ago(minutes=30),
                "fetch_due_at": ago(minutes=20),
                "fetch_attempts": 2,
            }
        ),
        "claimed by a worker that died": source_in(
            {
                "status": SourceStatus.FETCHING,
                "fetch_task_id": "t2",
                "fetch_started_at": ago(minutes=11),
            }
        ),
    }
    live = {
        "just written, job on its way": source_in({}),
        "handed over a moment ago": source_in(
            {"updated_at": ago(hours=1), "fetch_due_at": ago(minutes=1)}
        ),
        "retry due in an hour": source_in(
            {
                "fetch_task_id": "t3",
                "fetch_started_at": ago(minutes=1),
                "fetch_due_at": ago(hours=-1),
            }
        ),
        "being fetched": source_in(
            {
                "status": SourceStatus.FETCHING,
                "fetch_task_id": "t4",
                "fetch_started_at": ago(seconds=5),
            }
        ),
        "fetched today": source_in({"status": SourceStatus.OK, "last_fetched_at": ago(hours=1)}),
    }

    due = due_for_fetch(Source)

    assert {name for name, row in lost.items() if row.pk in due} == set(lost)
    assert {name for name, row in live.items() if row.pk in due} == set()
    rows = Source.objects.filter(pk__in=due)
    assert {(r.status, r.fetch_task_id, r.fetch_started_at, r.fetch_due_at) for r in rows} == {
        (SourceStatus.PENDING, "", None, None)
    }
    assert Source.objects.get(pk=lost["released for retry, retry lost"].pk).fetch_attempts == 2


def test_the_recheck_sends_each_lost_job_once_however_often_it_runs(monkeypatch, settings):
    settings.FETCH_LOST_AFTER_SECONDS = 600
    sent: list[tuple[str, int]] = []
    monkeypatch.setattr(fetch_source, "delay", lambda pk: sent.append(("source", pk)))
    monkeypatch.setattr(import_article_from_url, "delay", lambda pk: sent.append(("article", pk)))
    source = source_in({"updated_at": ago(minutes=5)})
    EvidenceFactory.create(status=SourceStatus.OK, last_fetched_at=timezone.now())
    article = ArticleFactory.create(import_status=ImportStatus.FETCHING, url="https://a.example/")
    Article.objects.filter(pk=article.pk).update(updated_at=ago(minutes=5))

    assert recheck_sources.apply().get() == 2
    assert recheck_sources.apply().get() == 0  # both are with the broker now

    assert sorted(sent) == [("article", article.pk), ("source", source.pk)]
    assert Source.objects.get(pk=source.pk).fetch_due_at is not None
    assert Article.objects.get(pk=article.pk).import_due_at is not None


def test_an_article_stuck_fetching_is_found_only_once_its_job_is_overdue(settings):
    settings.FETCH_LOST_AFTER_SECONDS = 600
    never_sent = ArticleFactory.create(import_status=ImportStatus.FETCHING)
    overdue = ArticleFactory.create(import_status=ImportStatus.FETCHING)
    on_its_way = ArticleFactory.create(import_status=ImportStatus.FETCHING)
    imported = ArticleFactory.create(import_status=ImportStatus.READY)
    Article.objects.filter(pk__in=[never_sent.pk, imported.pk]).update(updated_at=ago(minutes=5))
    Article.objects.filter(pk=overdue.pk).update(
        updated_at=ago(hours=1), import_due_at=ago(minutes=11)
    )
    Article.objects.filter(pk=on_its_way.pk).update(import_due_at=ago(minutes=1))

    assert set(due_for_import()) == {never_sent.pk, overdue.pk}


# --- The lease ---------------------------------------------------------------------


def test_a_redelivered_copy_of_a_running_fetch_waits_for_the_lease_without_an_attempt(settings):
    settings.FETCH_TOTAL_TIMEOUT = 30
    source = SourceFactory.create()
    first = claim(Source, source.pk, task_id="job", run=0)
    assert first is not None

    assert claim(Source, source.pk, task_id="job", run=0) is None  # the copy
    run = fetches.run_fetch(Source, source.pk, task_id="job", run=0)
    assert run.outcome == "wait"
    assert first.fetch_started_at is not None
    assert run.wait_until == first.fetch_started_at + timedelta(seconds=60)
    assert Source.objects.get(pk=source.pk).fetch_attempts == 1

    Source.objects.filter(pk=source.pk).update(fetch_started_at=ago(seconds=61))
    assert claim(Source, source.pk, task_id="job", run=0) is not None  # the first one died
    assert Source.objects.get(pk=source.pk).fetch_attempts == 2


def test_a_fetch_that_outlived_its_lease_cannot_finish_after_its_copy_took_over():
    source = SourceFactory.create()
    slow = claim(Source, source.pk, task_id="job")
    assert slow is not None
    Source.objects.filter(pk=source.pk).update(fetch_started_at=timezone.now() - lease() * 2)
    slow.refresh_from_db()
    copy = claim(Source, source.pk, task_id="job")
    assert copy is not None
    page = PageFetch(status=SourceStatus.OK, text="the page")

    assert finish(slow, task_id="job", page=page) is None
    assert finish(copy, task_id="job", page=page) is not None
    assert finish(copy, task_id="job", page=page) is None
    assert source.snapshots.count() == 1


def test_a_retry_takes_its_own_row_back_at_once_as_the_same_attempt():
    source = SourceFactory.create()
    assert claim(Source, source.pk, task_id="job", run=0) is not None  # then the database went
    assert claim(Source, source.pk, task_id="other", run=5) is None

    assert claim(Source, source.pk, task_id="job", run=1) is not None
    row = Source.objects.get(pk=source.pk)
    assert (row.status, row.fetch_task_run, row.fetch_attempts) == (SourceStatus.FETCHING, 1, 1)


def test_attempts_never_pass_the_maximum_even_when_workers_keep_dying(settings):
    settings.FETCH_MAX_RETRIES = 2
    source = SourceFactory.create()
    for _ in range(3):  # three attempts started, each worker killed mid-fetch
        claim(Source, source.pk, task_id="job")
        Source.objects.filter(pk=source.pk).update(fetch_started_at=ago(hours=1))

    run = fetches.run_fetch(Source, source.pk, task_id="job")

    source.refresh_from_db()
    assert run.outcome == "done"
    assert source.status == SourceStatus.FAILED
    assert "Gave up after 3 attempts" in source.status_detail
    assert source.snapshots.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_fetch_that_loses_its_database_connection_retries_and_stores_once(
    pages: PageServer, monkeypatch
):
    source = SourceFactory.create(url=pages.add("/report", PAGE))
    real = fetches.finish
    failures = iter([OperationalError("terminating connection due to administrator command")])

    def finish_once_broken(*args: Any, **kwargs: Any):
        if error := next(failures, None):
            raise error
        return real(*args, **kwargs)

    monkeypatch.setattr(fetches, "finish", finish_once_broken)
    fetch_source.apply(args=[source.pk])  # eager: the retry runs at once

    source.refresh_from_db()
    assert (source.status, source.fetch_task_id, source.fetch_attempts) == (SourceStatus.OK, "", 0)
    assert source.snapshots.count() == 1
    assert pages.requests == ["/report", "/report"]  # the retry fetched it again


# --- A busy site ---------------------------------------------------------------------


@pytest.fixture
def busy_site(monkeypatch) -> list[dict[str, Any]]:
    """Every fetch finds the site's slots taken; the jobs put back are recorded."""

    def busy(url: str, **kwargs: Any):
        raise safe_http.HostBusy("127.0.0.1:80 already has 4 requests in flight", retry_after=2.0)

    monkeypatch.setattr(safe_http, "fetch", busy)
    put_back: list[dict[str, Any]] = []
    for task in (fetch_source, import_article_from_url):
        monkeypatch.setattr(
            task, "apply_async", lambda args, **options: put_back.append({"args": args, **options})
        )
    return put_back


def test_a_fetch_that_finds_its_site_busy_is_put_back_and_never_fails(busy_site, settings):
    settings.FETCH_MAX_RETRIES = 2
    source = SourceFactory.create()
    for _ in range(6):
        fetch_source.apply(args=[source.pk], task_id="job", retries=1)

    source.refresh_from_db()
    assert source.status == SourceStatus.PENDING
    assert source.fetch_attempts == 0
    assert "Waiting for a free slot" in source.status_detail
    assert not source.snapshots.exists()
    assert len(busy_site) == 6
    assert {(p["task_id"], p["retries"], tuple(p["args"])) for p in busy_site} == {
        ("job", 1, (source.pk,))
    }
    assert all(1 <= p["countdown"] <= 5 for p in busy_site)
    assert len({p["countdown"] for p in busy_site}) > 1  # spread out
    assert source.fetch_due_at is not None
    assert source.fetch_due_at > timezone.now()


def test_an_import_that_finds_its_site_busy_is_put_back_and_keeps_waiting(busy_site, reviewer):
    article = article_import_url(url="http://127.0.0.1/story", imported_by=reviewer)
    for _ in range(6):
        import_article_from_url.apply(args=[article.pk], task_id="job")

    article.refresh_from_db()
    assert article.import_status == ImportStatus.FETCHING
    assert len(busy_site) == 6
    assert {p["retries"] for p in busy_site} == {0}


# --- A broker that is down ---------------------------------------------------------


@contextmanager
def broker_at(url: str) -> Iterator[None]:
    """Point this process's Celery app at another broker for a while."""
    conf = celery_app.conf
    saved = conf.broker_write_url, conf.broker_transport_options

    def switch(to: str, options: dict[str, Any]) -> None:
        conf.broker_write_url, conf.broker_transport_options = to, options
        celery_app.close()
        celery_app.amqp._producer_pool = None  # built from the old broker's pool

    switch(url, {"socket_connect_timeout": 2, "socket_timeout": 2})
    try:
        yield
    finally:
        switch(*saved)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.django_db(transaction=True)
def test_a_write_while_the_broker_is_down_commits_answers_and_is_sent_by_the_recheck(
    reviewer_api, caplog, monkeypatch, settings
):
    settings.FETCH_LOST_AFTER_SECONDS = 1
    body = "# Parks\n\nSee [the report](https://parks.example.org/2023) and [budget](https://council.example.org/b).\n"
    with broker_at(f"redis://127.0.0.1:{closed_port()}/0"), caplog.at_level(logging.WARNING):
        started = time.monotonic()
        response = reviewer_api.post(
            "/api/v1/articles/", {"body": body, "format": "markdown"}, format="json"
        )
        took = time.monotonic() - started

    assert response.status_code == 201, response.content
    assert took < 5
    sources = Source.objects.filter(article_id=response.json()["id"])
    assert {(s.status, s.fetch_due_at) for s in sources} == {(SourceStatus.PENDING, None)}
    warning = next(r.getMessage() for r in caplog.records if "fetch_source" in r.getMessage())
    assert "not queued" in warning
    assert "the periodic recheck will queue it" in warning
    assert str(sources[0].pk) in warning

    sent: list[int] = []
    monkeypatch.setattr(fetch_source, "delay", sent.append)
    Source.objects.filter(article_id=response.json()["id"]).update(updated_at=ago(seconds=2))
    recheck_sources.apply()
    assert sorted(sent) == sorted(s.pk for s in sources)


@pytest.mark.django_db(transaction=True)
def test_a_url_import_while_the_broker_is_down_is_accepted_and_recovered(
    reviewer_api, monkeypatch, settings
):
    settings.FETCH_LOST_AFTER_SECONDS = 1
    with broker_at(f"redis://127.0.0.1:{closed_port()}/0"):
        response = reviewer_api.post(
            "/api/v1/articles/", {"url": "https://ledger.example.org/trees"}, format="json"
        )
    assert response.status_code == 202, response.content
    article = Article.objects.get(pk=response.json()["id"])
    assert (article.import_status, article.import_due_at) == (ImportStatus.FETCHING, None)

    sent: list[int] = []
    monkeypatch.setattr(import_article_from_url, "delay", sent.append)
    Article.objects.filter(pk=article.pk).update(updated_at=ago(seconds=2))
    recheck_sources.apply()
    assert sent == [article.pk]
