"""A real worker, PostgreSQL and a Redis that these tests stop and start: nothing stays stuck.

The tests run their own ``redis-server`` on a free port, without persistence, as the
broker, so that stopping it loses every message it held, as a production Redis without
persistence does.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection
from rest_framework.test import APIClient

from claims.models import Article, ImportStatus, Source, SourceSnapshot, SourceStatus
from claims.pipeline.fetches import PageFetch, claim, release_for_retry
from claims.tasks import recheck_sources, send_source_fetches
from tests.factories import ArticleFactory, SourceFactory
from tests.webserver import PageServer, article_page
from tests.worker import restore_broker, running_beat, running_worker, use_broker, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]

UNSETTLED = [SourceStatus.PENDING, SourceStatus.FETCHING]
# The worker's settings: short fetches, so a claim's lease (twice FETCH_TOTAL_TIMEOUT)
# is short; lost jobs are looked for after a second.
WORKER_ENV = {"FETCH_TOTAL_TIMEOUT": "5", "FETCH_LOST_AFTER_SECONDS": "1"}


class RedisServer:
    def __init__(self, port: int, log: Path) -> None:
        self.port, self.log = port, log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                *("redis-server", "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no"),
            ],
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as probe:
                    probe.sendall(b"PING\r\n")
                    if probe.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start:\n{self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        """Gone, and every message with it (no persistence)."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def broker(tmp_path: Path, settings) -> Iterator[RedisServer]:
    """A redis-server of these tests' own, on a free port, as the broker of this process
    and of the workers it starts; the shared services are never stopped."""
    if connection.vendor != "postgresql":
        pytest.skip("a worker process shares the test database only on PostgreSQL")
    if shutil.which("redis-server") is None:
        pytest.skip("needs redis-server")
    server = RedisServer(_free_port(), tmp_path / "redis.log")
    server.start()
    url = f"redis://127.0.0.1:{server.port}/0"
    settings.CELERY_BROKER_URL = url  # what tests.worker gives the worker processes
    previous = use_broker(url)
    try:
        yield server
    finally:
        server.stop()
        restore_broker(previous)


def unsettled() -> int:
    return Source.objects.filter(status__in=UNSETTLED).count()


def source_states() -> str:
    counts: dict[str, int] = {}
    for status in Source.objects.values_list("status", flat=True):
        counts[status] = counts.get(status, 0) + 1
    return f"sources by status: {counts}"


def snapshots_per_source(source_ids: list[int]) -> set[int]:
    counts = {pk: 0 for pk in source_ids}
    for pk in SourceSnapshot.objects.filter(source_id__in=source_ids).values_list(
        "source_id", flat=True
    ):
        counts[pk] += 1
    return set(counts.values())


def test_writes_while_the_broker_is_down_commit_and_are_all_fetched_once_it_is_back(
    reviewer, pages: PageServer, broker: RedisServer, settings, tmp_path: Path
):
    settings.FETCH_LOST_AFTER_SECONDS = 1
    for n in range(8):
        pages.add(f"/page-{n}", article_page(f"Page {n}", f"Finding number {n}."), delay=0.3)
    client = APIClient()
    client.force_authenticate(reviewer)
    client.raise_request_exception = False  # a 500 is an answer to count, not a crash
    answers: list[tuple[str, int, float]] = []

    def write(n: int, phase: str) -> None:
        body = (
            f"# Report {n}\n\nSee [one]({pages.url(f'/page-{n % 8}')}) "
            f"and [two]({pages.url(f'/page-{(n + 3) % 8}')}).\n"
        )
        started = time.monotonic()
        response = client.post(
            "/api/v1/articles/", {"body": body, "format": "markdown"}, format="json"
        )
        answers.append((phase, response.status_code, time.monotonic() - started))

    with running_worker(tmp_path / "worker.log", **WORKER_ENV):
        for n in range(10):
            write(n, "up")
        broker.stop()  # with the jobs queued so far
        for n in range(10, 20):
            write(n, "down")
        broker.start()
        for n in range(20, 30):
            write(n, "back")
        statuses = [status for _, status, _ in answers]
        assert set(statuses) <= {201, 503}, f"{statuses.count(500)} of {len(statuses)} answered 500"
        assert max(seconds for phase, _, seconds in answers if phase == "down") < 10

        # The periodic recheck, as beat would run it, until nothing is left to do.
        def settled() -> bool:
            recheck_sources.apply()
            return unsettled() == 0

        wait_for(settled, timeout=90, interval=2, what=source_states)

    assert Article.objects.count() == statuses.count(201)
    source_ids = list(Source.objects.values_list("pk", flat=True))
    assert len(source_ids) == 2 * Article.objects.count()
    assert set(Source.objects.values_list("status", flat=True)) == {SourceStatus.OK}
    assert snapshots_per_source(source_ids) == {1}


def test_a_worker_whose_database_connections_are_killed_retries_and_leaves_nothing_fetching(
    pages: PageServer, broker: RedisServer, tmp_path: Path
):
    article = ArticleFactory.create()
    sources = [
        SourceFactory.create(
            article=article,
            url=pages.add(f"/slow-{n}", article_page(f"Slow {n}", "Text."), delay=0.3),
        )
        for n in range(40)
    ]
    source_ids = [s.pk for s in sources]
    killed = 0

    with running_worker(tmp_path / "worker.log", **WORKER_ENV) as worker:
        send_source_fetches(source_ids)
        deadline = time.monotonic() + 8
        while time.monotonic() < deadline and unsettled():
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
                killed += cursor.fetchone()[0]
            time.sleep(0.3)
        wait_for(
            lambda: unsettled() == 0,
            timeout=90,
            what=lambda: f"{source_states()} after {killed} connections killed",
        )

    log = worker.log.read_text(errors="replace")
    assert killed > 0
    assert "lost its database connection; retrying" in log
    assert set(Source.objects.values_list("status", flat=True)) == {SourceStatus.OK}
    assert snapshots_per_source(source_ids) == {1}


def test_beat_sends_again_a_retry_whose_message_was_lost_and_an_import_stuck_fetching(
    reviewer, pages: PageServer, broker: RedisServer, settings, tmp_path: Path
):
    retried = SourceFactory.create(url=pages.add("/retried", article_page("Retried", "Text.")))
    claimed = claim(Source, retried.pk, task_id="job-whose-retry-was-lost")
    assert claimed is not None
    assert release_for_retry(
        claimed,
        task_id="job-whose-retry-was-lost",
        page=PageFetch(status=SourceStatus.FAILED, detail="HTTP 503", transient=True),
    )
    story = pages.add("/story", article_page("The story", "A story citing nothing."))
    client = APIClient()
    client.force_authenticate(reviewer)
    client.raise_request_exception = False
    broker.stop()
    imported = client.post("/api/v1/articles/", {"url": story}, format="json")
    broker.start()
    assert imported.status_code == 202, imported.content
    article_id = imported.json()["id"]
    assert client.post("/api/v1/articles/", {"url": story}, format="json").status_code == 409

    env = {**WORKER_ENV, "FETCH_RECHECK_EVERY_SECONDS": "10"}
    with (
        running_worker(tmp_path / "worker.log", **env),
        running_beat(tmp_path / "beat.log", tmp_path / "beat-schedule", **env),
    ):
        wait_for(
            lambda: (
                Source.objects.get(pk=retried.pk).status == SourceStatus.OK
                and Article.objects.get(pk=article_id).import_status == ImportStatus.READY
            ),
            timeout=60,
            what=lambda: (
                f"{source_states()}; article {Article.objects.get(pk=article_id).import_status}"
            ),
        )

    assert SourceSnapshot.objects.filter(source=retried).count() == 1
    assert "A story citing nothing." in Article.objects.get(pk=article_id).text
