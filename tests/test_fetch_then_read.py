"""A fetch job downloads and stores the body; a reading job on the compute queue extracts
the text and stores the snapshot, under the same claim on the row."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings

from claims import bodies, tasks
from claims.models import Source, SourceStatus
from claims.pipeline import fetches
from tests.factories import SourceFactory
from tests.webserver import PageServer, article_page

pytestmark = pytest.mark.django_db

PAGE = article_page("Tree census", "The city planted 4,000 trees in 2023.")


def test_the_download_is_stored_and_the_row_stays_claimed_until_it_is_read(pages: PageServer):
    source = SourceFactory.create(url=pages.add("/census", PAGE), status=SourceStatus.PENDING)

    run = fetches.run_fetch(Source, source.pk, task_id="job", read=False)

    assert run.outcome == "read"
    assert run.page is not None
    downloaded = fetches.handed_over(run.page)
    assert bodies.read_body(str(downloaded["sha256"])) == PAGE.encode()
    row = Source.objects.get(pk=source.pk)
    assert (row.status, row.fetch_task_id) == (SourceStatus.FETCHING, "job")
    assert not row.snapshots.exists()

    done = fetches.run_read(Source, source.pk, task_id="job", downloaded=downloaded)

    assert done.outcome == "done"
    row.refresh_from_db()
    assert (row.status, row.fetch_task_id) == (SourceStatus.OK, "")
    (snapshot,) = row.snapshots.all()
    assert snapshot.title == "Tree census"
    assert "4,000 trees" in snapshot.text
    assert pages.requests == ["/census"]


def test_a_reading_whose_claim_was_taken_over_stores_nothing(pages: PageServer):
    source = SourceFactory.create(url=pages.add("/census", PAGE), status=SourceStatus.PENDING)
    run = fetches.run_fetch(Source, source.pk, task_id="job", read=False)
    assert run.page is not None
    Source.objects.filter(pk=source.pk).update(fetch_task_id="another-job")

    late = fetches.run_read(
        Source, source.pk, task_id="job", downloaded=fetches.handed_over(run.page)
    )

    assert late.outcome == "skipped"
    assert not Source.objects.get(pk=source.pk).snapshots.exists()


def test_a_body_gone_before_it_was_read_is_downloaded_again(pages: PageServer):
    source = SourceFactory.create(url=pages.add("/census", PAGE), status=SourceStatus.PENDING)
    run = fetches.run_fetch(Source, source.pk, task_id="job", read=False)
    assert run.page is not None
    bodies.delete_body(run.page.sha256)

    done = fetches.run_read(
        Source, source.pk, task_id="job", downloaded=fetches.handed_over(run.page)
    )

    assert done.outcome == "done"
    assert Source.objects.get(pk=source.pk).status == SourceStatus.OK
    assert pages.requests == ["/census", "/census"]


def test_the_fetch_job_hands_reading_to_the_compute_queue(pages: PageServer, monkeypatch):
    source = SourceFactory.create(url=pages.add("/census", PAGE), status=SourceStatus.PENDING)
    sent: list[tuple[str, tuple[Any, ...]]] = []

    def send(task: Any, *args: Any, **kwargs: Any) -> bool:
        sent.append((task.name, args))
        return True

    monkeypatch.setattr(tasks, "send", send)
    request = {"id": "job", "retries": 0, "is_eager": False}
    tasks.fetch_source.push_request(**request)
    try:
        assert tasks.fetch_source.run(source.pk) == "read"
    finally:
        tasks.fetch_source.pop_request()

    ((name, args),) = sent
    assert name == "claims.tasks.read_source"
    assert args[:2] == (source.pk, "job")
    route = tasks.read_source.app.amqp.router.route({}, name)
    assert route["queue"].name == settings.COMPUTE_QUEUE
    assert tasks.read_source.run(*args) == "done"
    assert Source.objects.get(pk=source.pk).status == SourceStatus.OK


def test_when_the_broker_refuses_the_reading_the_fetch_job_reads_the_page_itself(
    pages: PageServer, monkeypatch
):
    source = SourceFactory.create(url=pages.add("/census", PAGE), status=SourceStatus.PENDING)
    monkeypatch.setattr(tasks, "send", lambda *args, **kwargs: False)
    tasks.fetch_source.push_request(id="job", retries=0, is_eager=False)
    try:
        assert tasks.fetch_source.run(source.pk) == "done"
    finally:
        tasks.fetch_source.pop_request()
    assert Source.objects.get(pk=source.pk).snapshots.count() == 1
