"""A real Celery worker rechecks a cited page that a local server edits between fetches:
the edit is stored with its diff and the quote checked again; a new date line is no edit.

The event itself is sent inside the worker process; ``test_source_edits.py`` runs the same
task in this process and checks that ``claims.events.source_changed`` is sent."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection

from claims.models import ClaimKind, QuoteCheck, QuoteResult, Source, SourceSnapshot, SourceStatus
from claims.tasks import fetch_source, send
from factcheck.celery import app as celery_app
from tests.factories import ArticleFactory, ClaimFactory, SourceFactory
from tests.test_source_edits import FINDING, QUOTE, census
from tests.webserver import PageServer
from tests.worker import broker_is_shared, running_worker, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]


@pytest.fixture(autouse=True)
def _real_worker_setup() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("a worker process shares the test database only on PostgreSQL")
    if not broker_is_shared():
        pytest.skip("needs CELERY_BROKER_URL pointing at Redis or RabbitMQ")
    celery_app.control.purge()


def fetch_and_wait(source: Source, count: int) -> SourceSnapshot:
    Source.objects.filter(pk=source.pk).update(status=SourceStatus.PENDING)
    assert send(fetch_source, source.pk)

    def checked() -> bool:
        snapshots = SourceSnapshot.objects.filter(source=source)
        latest = snapshots.values_list("pk", flat=True).first()  # newest first
        return (
            snapshots.count() == count
            and QuoteCheck.objects.filter(source=source, snapshot_id=latest).exists()
        )

    wait_for(checked, what=f"fetch {count} stored and its quote checked against it")
    return SourceSnapshot.objects.filter(source=source).latest()


def test_the_worker_stores_an_edit_of_a_cited_page_and_checks_the_quote_again(
    pages: PageServer, tmp_path: Path
):
    url = pages.add("/census", census())
    article = ArticleFactory.create()
    source = SourceFactory.create(article=article, url=url, status=SourceStatus.PENDING)
    claim = ClaimFactory.create(article=article, kind=ClaimKind.QUOTE, start=0, end=len(QUOTE))
    claim.sources.set([source])

    with running_worker(tmp_path / "worker.log"):
        first = fetch_and_wait(source, 1)
        assert QuoteCheck.objects.get(source=source).result == QuoteResult.EXACT

        pages.add("/census", census(finding=FINDING.replace("4,000", "3,000")))
        edited = fetch_and_wait(source, 2)

        pages.add(
            "/census",
            census(date="Updated 9 December 2026", finding=FINDING.replace("4,000", "3,000")),
        )
        dated = fetch_and_wait(source, 3)

    assert not first.text_changed
    assert edited.text_changed
    assert ["-", "4,000"] in edited.diff
    assert ["+", "3,000"] in edited.diff
    assert not dated.text_changed
    assert dated.text != edited.text
    check = QuoteCheck.objects.get(source=source)
    assert check.snapshot_id == dated.pk
    assert check.result != QuoteResult.EXACT
