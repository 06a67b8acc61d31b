"""Fetching a cited source: what each kind of answer becomes, run without Celery."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from claims.models import Source, SourceSnapshot, SourceStatus
from claims.pipeline import fetches as services
from claims.pipeline.fetches import due_for_fetch, run_fetch
from tests.factories import SourceFactory
from tests.webserver import PageServer, article_page

pytestmark = pytest.mark.django_db

REPORT = article_page(
    "Annual parks report",
    "The city planted 4,012 street trees in 2023, the most since records began.",
    "Of these, 1,150 replaced trees that had been removed.",
)


def source_at(url: str) -> Source:
    return SourceFactory.create(url=url, href=url, status=SourceStatus.PENDING)


def fetch(source: Source, *, task_id: str = "task-1", final: bool = True):
    return run_fetch(Source, source.pk, task_id=task_id, final_attempt=final)


def test_a_page_that_answers_becomes_ok_with_a_snapshot_of_its_text(pages: PageServer):
    source = source_at(pages.add("/report", REPORT))
    run = fetch(source)
    source.refresh_from_db()
    assert (run.outcome, source.status, source.status_detail) == ("done", "ok", "")
    assert source.last_fetched_at is not None
    assert (source.fetch_task_id, source.fetch_attempts) == ("", 0)
    snapshot = source.snapshots.get()
    assert snapshot.http_status == 200
    assert snapshot.final_url == source.url
    assert snapshot.content_type == "text/html"
    assert snapshot.title == "Annual parks report"
    assert "planted 4,012 street trees" in snapshot.text
    assert "Privacy" not in snapshot.text  # the footer is not the page's text
    assert snapshot.byte_size == len(REPORT.encode())
    assert len(snapshot.sha256) == 64
    assert not snapshot.text_changed


@pytest.mark.parametrize("status", [404, 410])
def test_a_gone_page_is_dead_at_once(pages: PageServer, status: int):
    source = source_at(pages.add("/gone", "gone", status=status))
    run = fetch(source, final=False)
    source.refresh_from_db()
    assert run.outcome == "done"  # a 4xx is not retried
    assert source.status == SourceStatus.DEAD
    assert str(status) in source.status_detail
    assert source.snapshots.get().http_status == status


def test_a_server_error_is_retried_then_fails(pages: PageServer):
    source = source_at(pages.add("/broken", "oops", status=503))
    first = fetch(source, final=False)
    source.refresh_from_db()
    assert first.outcome == "retry"
    assert source.status == SourceStatus.PENDING
    assert "503" in source.status_detail
    assert not source.snapshots.exists()

    last = fetch(source, final=True)
    source.refresh_from_db()
    assert last.outcome == "done"
    assert source.status == SourceStatus.FAILED
    assert source.snapshots.count() == 1


def test_too_many_requests_honours_retry_after(pages: PageServer):
    source = source_at(pages.add("/busy", "later", status=429, headers={"Retry-After": "7"}))
    run = fetch(source, final=False)
    assert run.outcome == "retry"
    assert run.page is not None
    assert run.page.retry_after == 7.0


def test_a_page_that_says_not_found_is_a_soft_404(pages: PageServer):
    url = pages.add(
        "/moved",
        "<html><head><title>Page not found</title></head><body><h1>Page not found</h1>"
        "<p>Sorry, we could not find that page.</p></body></html>",
    )
    source = source_at(url)
    fetch(source)
    source.refresh_from_db()
    assert source.status == SourceStatus.DEAD
    assert source.snapshots.get().soft_404


def test_a_private_address_is_blocked_and_never_fetched(settings):
    settings.FETCH_ALLOW_LOOPBACK = True
    source = source_at("http://169.254.169.254/latest/meta-data/")
    fetch(source, final=False)
    source.refresh_from_db()
    assert source.status == SourceStatus.BLOCKED
    assert "link-local" in source.status_detail


def test_loopback_is_blocked_unless_allowed(pages: PageServer, settings):
    settings.FETCH_ALLOW_LOOPBACK = False
    source = source_at(pages.add("/local", REPORT))
    fetch(source)
    source.refresh_from_db()
    assert source.status == SourceStatus.BLOCKED
    assert "loopback" in source.status_detail
    assert pages.requests == []


def test_a_body_over_the_cap_is_cut_and_the_fetch_fails_cleanly(pages: PageServer, settings):
    settings.FETCH_MAX_BYTES = 10_000
    source = source_at(pages.add("/huge", b"<p>" + b"x" * 50_000 + b"</p>"))
    fetch(source)
    source.refresh_from_db()
    assert source.status == SourceStatus.FAILED
    assert "larger than the 10,000-byte limit" in source.status_detail
    snapshot = source.snapshots.get()
    assert snapshot.truncated
    assert snapshot.byte_size == 10_000


def test_a_server_that_stalls_times_out(pages: PageServer, settings):
    settings.FETCH_READ_TIMEOUT = 1
    source = source_at(pages.add("/stall", REPORT, delay=3))
    run = fetch(source, final=False)
    assert run.outcome == "retry"
    fetch(source, final=True)
    source.refresh_from_db()
    assert source.status == SourceStatus.FAILED
    assert "timed out" in source.status_detail.lower()


def test_a_windows_1251_page_is_decoded(pages: PageServer):
    russian = "Буферная зона вдоль границы с Турцией"  # noqa: RUF001
    body = f"<html><head><title>{russian}</title></head><body><p>{russian}.</p></body></html>"
    url = pages.add(
        "/ru", body.encode("windows-1251"), content_type="text/html; charset=windows-1251"
    )
    source = source_at(url)
    fetch(source)
    snapshot = SourceSnapshot.objects.get(source=source)
    assert russian in snapshot.text
    assert snapshot.title == russian


def test_a_job_run_twice_stores_one_snapshot(pages: PageServer):
    source = source_at(pages.add("/report", REPORT))
    assert fetch(source, task_id="a").outcome == "done"
    assert fetch(source, task_id="a").outcome == "skipped"
    assert fetch(source, task_id="b").outcome == "skipped"
    assert source.snapshots.count() == 1


def test_a_redelivered_job_finishes_the_fetch_its_killed_worker_started(pages: PageServer):
    source = source_at(pages.add("/report", REPORT))
    assert services.claim(Source, source.pk, task_id="a") is not None  # then the worker died
    assert fetch(source, task_id="other").outcome == "skipped"
    assert fetch(source, task_id="a").outcome == "wait"  # the first copy may still be running
    Source.objects.filter(pk=source.pk).update(
        fetch_started_at=timezone.now() - services.lease() - timedelta(seconds=1)
    )
    assert fetch(source, task_id="a").outcome == "done"
    source.refresh_from_db()
    assert source.status == SourceStatus.OK
    assert source.snapshots.count() == 1


def test_a_changed_page_is_marked_as_changed(pages: PageServer):
    url = pages.add("/report", REPORT)
    source = source_at(url)
    fetch(source)
    pages.add("/report", article_page("Annual parks report", "Revised: 3,950 trees."))
    Source.objects.filter(pk=source.pk).update(status=SourceStatus.PENDING)
    fetch(source, task_id="task-2")
    latest, first = source.snapshots.order_by("-fetched_at", "-id")
    assert latest.text_changed
    assert not first.text_changed
    assert latest.sha256 != first.sha256


def test_due_for_fetch_picks_old_fetches_and_lost_jobs_only():
    now = timezone.now()
    old_ok = SourceFactory.create(status=SourceStatus.OK, last_fetched_at=now - timedelta(days=30))
    fresh_ok = SourceFactory.create(status=SourceStatus.OK, last_fetched_at=now)
    lost = SourceFactory.create(status=SourceStatus.FETCHING)
    Source.objects.filter(pk=lost.pk).update(fetch_started_at=now - timedelta(hours=2))
    running = SourceFactory.create(status=SourceStatus.FETCHING)
    Source.objects.filter(pk=running.pk).update(fetch_started_at=now)
    blocked = SourceFactory.create(status=SourceStatus.BLOCKED, last_fetched_at=now)

    due = due_for_fetch(Source, now=now)

    assert set(due) == {old_ok.pk, lost.pk}
    statuses = dict(Source.objects.values_list("pk", "status"))
    assert statuses[old_ok.pk] == statuses[lost.pk] == SourceStatus.PENDING
    assert statuses[fresh_ok.pk] == SourceStatus.OK
    assert statuses[running.pk] == SourceStatus.FETCHING
    assert statuses[blocked.pk] == SourceStatus.BLOCKED
