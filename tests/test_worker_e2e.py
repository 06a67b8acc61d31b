"""End to end with a real Celery worker process, the real broker and PostgreSQL.

An article is imported through the API, a reviewer supplies URLs served by a
local web server, and the worker fetches them: snapshots and quote checks appear.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection

from claims.models import QuoteCheck, QuoteResult, Source, SourceSnapshot, SourceStatus
from factcheck.celery import app as celery_app
from tests.webserver import PageServer, article_page
from tests.worker import broker_is_shared, running_worker, wait_for

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.worker,
]

QUOTE = "Relatively safe enclaves should emerge from this effort."


@pytest.fixture(autouse=True)
def _real_worker_setup(settings) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("a worker process shares the test database only on PostgreSQL")
    if not broker_is_shared():
        pytest.skip("needs CELERY_BROKER_URL pointing at Redis or RabbitMQ")
    celery_app.control.purge()  # messages other tests queued for ids that are gone


def statuses(article_id: int) -> dict[str, str]:
    return dict(Source.objects.filter(article_id=article_id).values_list("anchor_text", "status"))


def test_the_worker_fetches_supplied_urls_and_verifies_the_quote(
    reviewer_api, demo_markdown: str, pages: PageServer, tmp_path: Path
):
    cfr = pages.add(
        "/testing-putin-in-syria",
        article_page(
            "Testing Putin in Syria",
            "In the meantime, the United States and others should pursue a two-track policy.",
            f"{QUOTE} A Syria of enclaves or cantons may be the best possible outcome.",
        ),
    )
    gone = pages.url("/deleted-paper")

    with running_worker(tmp_path / "worker.log"):
        response = reviewer_api.post(
            "/api/v1/articles/", {"body": demo_markdown, "format": "markdown"}, format="json"
        )
        assert response.status_code == 201, response.content
        article = response.json()
        sources = {
            s["anchor_text"]: s["id"]
            for s in reviewer_api.get(f"/api/v1/sources/?article={article['id']}").json()["results"]
        }
        assert (
            reviewer_api.patch(
                f"/api/v1/sources/{sources['Testing Putin in Syria']}/", {"url": cfr}, format="json"
            ).status_code
            == 200
        )
        assert (
            reviewer_api.patch(
                f"/api/v1/sources/{sources['nsnbc']}/", {"url": gone}, format="json"
            ).status_code
            == 200
        )
        claim = reviewer_api.post(
            "/api/v1/claims/",
            {
                "article": article["id"],
                "quote": QUOTE,
                "kind": "quote",
                "sources": [sources["Testing Putin in Syria"]],
            },
            format="json",
        ).json()

        wait_for(
            lambda: (
                statuses(article["id"])["Testing Putin in Syria"] == SourceStatus.OK
                and statuses(article["id"])["nsnbc"] == SourceStatus.DEAD
            ),
            what="both sources fetched",
        )
        wait_for(
            lambda: QuoteCheck.objects.filter(
                claim_id=claim["id"], result=QuoteResult.EXACT
            ).exists(),
            what="the quote verified",
        )

    cfr_source = Source.objects.get(pk=sources["Testing Putin in Syria"])
    snapshot = SourceSnapshot.objects.get(source=cfr_source)
    assert snapshot.title == "Testing Putin in Syria"
    assert QUOTE in snapshot.text
    assert SourceSnapshot.objects.get(source_id=sources["nsnbc"]).http_status == 404
    remaining = statuses(article["id"])
    assert list(remaining.values()).count(SourceStatus.NEEDS_URL) == 7
    detail = reviewer_api.get(f"/api/v1/sources/{cfr_source.pk}/").json()
    assert detail["status"] == "ok"
    assert detail["latest_snapshot"]["http_status"] == 200


def test_a_worker_killed_mid_fetch_has_its_job_redelivered_and_stored_once(
    demo_article, pages: PageServer, tmp_path: Path
):
    from claims.services.sources import source_set_url

    url = pages.add("/slow-paper", article_page("Slow paper", QUOTE), delay=4)
    source = demo_article.sources.get(anchor_text="Testing Putin in Syria")
    # Redis hands an unacknowledged job to another worker after the visibility timeout;
    # that copy waits for the first one's lease (twice FETCH_TOTAL_TIMEOUT) to end.
    env = {"CELERY_VISIBILITY_TIMEOUT": "3", "FETCH_TOTAL_TIMEOUT": "6"}

    with running_worker(tmp_path / "first.log", **env) as first:
        source_set_url(source=source, url=url)
        wait_for(
            lambda: Source.objects.get(pk=source.pk).status == SourceStatus.FETCHING,
            what="the first worker to take the job",
        )
        first.kill()

    assert Source.objects.get(pk=source.pk).status == SourceStatus.FETCHING
    with running_worker(tmp_path / "second.log", **env):
        wait_for(
            lambda: Source.objects.get(pk=source.pk).status == SourceStatus.OK,
            timeout=60,
            what="the redelivered job to finish",
        )
    assert SourceSnapshot.objects.filter(source=source).count() == 1
