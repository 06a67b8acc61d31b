"""The Celery tasks around the fetch services: retries, backoff, rechecks."""

from __future__ import annotations

import pytest

from claims.models import Source, SourceStatus
from claims.tasks import backoff_seconds, fetch_source, recheck_sources
from tests.factories import SourceFactory
from tests.webserver import PageServer

pytestmark = pytest.mark.django_db


def test_backoff_grows_exponentially_with_jitter(settings):
    settings.FETCH_RETRY_BASE_SECONDS = 10
    for retries, ceiling in [(0, 10), (1, 20), (2, 40), (3, 80)]:
        delays = {backoff_seconds(retries) for _ in range(50)}
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len(delays) > 1  # jittered
    assert backoff_seconds(30) <= 3600


def test_backoff_waits_at_least_as_long_as_retry_after(settings):
    settings.FETCH_RETRY_BASE_SECONDS = 1
    assert backoff_seconds(0, retry_after=120) == 120
    assert backoff_seconds(0, retry_after=10**6) == 3600


def test_a_task_retries_transient_failures_then_gives_up_with_one_snapshot(
    pages: PageServer, settings
):
    settings.FETCH_MAX_RETRIES = 2
    url = pages.add("/down", "down", status=502)
    source = SourceFactory.create(url=url, status=SourceStatus.PENDING)

    fetch_source.apply(args=[source.pk])  # eager: retries run at once

    source.refresh_from_db()
    assert pages.requests.count("/down") == 3
    assert source.status == SourceStatus.FAILED
    assert source.snapshots.count() == 1


def test_a_task_does_not_retry_a_missing_page(pages: PageServer):
    source = SourceFactory.create(url=pages.url("/nothing"), status=SourceStatus.PENDING)
    fetch_source.apply(args=[source.pk])
    source.refresh_from_db()
    assert source.status == SourceStatus.DEAD
    assert pages.requests == ["/nothing"]


def test_recheck_queues_what_is_due(monkeypatch, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    sent: list[int] = []
    monkeypatch.setattr(fetch_source, "delay", sent.append)
    old = SourceFactory.create(
        status=SourceStatus.OK, last_fetched_at=timezone.now() - timedelta(days=60)
    )
    SourceFactory.create(status=SourceStatus.OK, last_fetched_at=timezone.now())

    with django_capture_on_commit_callbacks(execute=True):
        assert recheck_sources.apply().get() == 1
    assert sent == [old.pk]
    assert Source.objects.get(pk=old.pk).status == SourceStatus.PENDING
