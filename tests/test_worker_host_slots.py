"""Two real worker processes on one Redis broker share each site's request slots: the
site never sees more than FETCH_MAX_PER_HOST requests in flight from both together."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

import pytest
from django.db import connection

from claims import tasks
from claims.models import Source, SourceStatus
from factcheck.celery import app as celery_app
from tests.factories import ArticleFactory, SourceFactory
from tests.webserver import PageServer, article_page
from tests.worker import Worker, broker_is_shared, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]

LIMIT = 2
SOURCES = 12


@pytest.fixture(autouse=True)
def _real_worker_setup() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("a worker process shares the test database only on PostgreSQL")
    if not broker_is_shared() or not celery_app.conf.broker_url.startswith("redis"):
        pytest.skip("needs CELERY_BROKER_URL pointing at Redis (the shared slots live there)")
    celery_app.control.purge()


def test_the_limit_per_site_holds_across_two_workers(pages: PageServer, tmp_path: Path):
    article = ArticleFactory.create()
    ids = [
        SourceFactory.create(
            article=article,
            url=pages.add(
                f"/report-{n}", article_page(f"Report {n}", "Trees were planted."), delay=0.4
            ),
            status=SourceStatus.PENDING,
        ).pk
        for n in range(SOURCES)
    ]
    env = {"FETCH_MAX_PER_HOST": str(LIMIT), "CELERY_WORKER_CONCURRENCY": "6"}
    workers = [Worker(tmp_path / f"worker-{n}.log", env) for n in range(2)]
    with ExitStack() as stack:
        for n, worker in enumerate(workers):
            worker.args = (*worker.args, "-n", f"w{n}@%h")
            worker.start()
            stack.callback(worker.stop)
        tasks.send_source_fetches(ids)
        wait_for(
            lambda: Source.objects.filter(pk__in=ids, status=SourceStatus.OK).count() == SOURCES,
            timeout=60,
            what=lambda: str(dict(Source.objects.filter(pk__in=ids).values_list("pk", "status"))),
        )
    logs = [worker.log.read_text() for worker in workers]
    assert all("fetch_source" in log for log in logs), "both workers took fetches"
    assert pages.peak_in_flight <= LIMIT
    assert len([path for path in pages.requests if path.startswith("/report-")]) == SOURCES
