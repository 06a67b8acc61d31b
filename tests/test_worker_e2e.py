"""End to end with a real Celery worker process, the real broker and PostgreSQL.

An article is imported through the API, a reviewer supplies URLs served by a
local web server, and the worker fetches them: snapshots and quote checks appear.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.db import connection

from claims.models import Article, QuoteCheck, QuoteResult, Source, SourceSnapshot, SourceStatus
from claims.policies import OPERATOR
from claims.services.articles import article_import
from factcheck.celery import app as celery_app
from tests.webserver import PageServer, article_page
from tests.worker import broker_is_shared, running_worker, wait_for

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.worker,
]

QUOTE = "If the survival rate holds, Riverside will reach 30 percent canopy by 2035."
SURVEY = "university survey"
LEDGER = "The Riverside Ledger"


@pytest.fixture(autouse=True)
def _real_worker_setup(settings) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("a worker process shares the test database only on PostgreSQL")
    if not broker_is_shared():
        pytest.skip("needs CELERY_BROKER_URL pointing at Redis or RabbitMQ")
    celery_app.control.purge()  # messages other tests queued for ids that are gone


@pytest.fixture
def unlinked_markdown(sample_markdown: str) -> str:
    """The sample article with every link cut to "#": the worker fetches only the URLs a
    test supplies, from the local server, never the article's own hosts."""
    return re.sub(r"\]\(https?://[^)\s]+\)", "](#)", sample_markdown)


@pytest.fixture
def unlinked_article(unlinked_markdown: str, reviewer) -> Article:
    return article_import(content=unlinked_markdown, source_format="markdown", imported_by=reviewer)


def statuses(article_id: int) -> dict[str, str]:
    return dict(Source.objects.filter(article_id=article_id).values_list("anchor_text", "status"))


def test_the_worker_fetches_supplied_urls_and_verifies_the_quote(
    reviewer_api, unlinked_markdown: str, pages: PageServer, tmp_path: Path
):
    survey = pages.add(
        "/canopy-survey-2024",
        article_page(
            "Canopy survey 2024",
            "The survey measured the city's canopy from aerial photographs.",
            f"{QUOTE} Newly planted trees take a decade to add shade.",
        ),
    )
    gone = pages.url("/deleted-paper")

    with running_worker(tmp_path / "worker.log"):
        response = reviewer_api.post(
            "/api/v1/articles/", {"body": unlinked_markdown, "format": "markdown"}, format="json"
        )
        assert response.status_code == 201, response.content
        article = response.json()
        sources = {
            s["anchor_text"]: s["id"]
            for s in reviewer_api.get(f"/api/v1/sources/?article={article['id']}").json()["results"]
        }
        assert (
            reviewer_api.patch(
                f"/api/v1/sources/{sources[SURVEY]}/", {"url": survey}, format="json"
            ).status_code
            == 200
        )
        assert (
            reviewer_api.patch(
                f"/api/v1/sources/{sources[LEDGER]}/", {"url": gone}, format="json"
            ).status_code
            == 200
        )
        claim = reviewer_api.post(
            "/api/v1/claims/",
            {
                "article": article["id"],
                "quote": QUOTE,
                "kind": "quote",
                "sources": [sources[SURVEY]],
            },
            format="json",
        ).json()

        wait_for(
            lambda: (
                statuses(article["id"])[SURVEY] == SourceStatus.OK
                and statuses(article["id"])[LEDGER] == SourceStatus.DEAD
            ),
            what="both sources fetched",
        )
        wait_for(
            lambda: QuoteCheck.objects.filter(
                claim_id=claim["id"], result=QuoteResult.EXACT
            ).exists(),
            what="the quote verified",
        )

    survey_source = Source.objects.get(pk=sources[SURVEY])
    snapshot = SourceSnapshot.objects.get(source=survey_source)
    assert snapshot.title == "Canopy survey 2024"
    assert QUOTE in snapshot.text
    assert SourceSnapshot.objects.get(source_id=sources[LEDGER]).http_status == 404
    remaining = statuses(article["id"])
    assert list(remaining.values()).count(SourceStatus.NEEDS_URL) == 3
    detail = reviewer_api.get(f"/api/v1/sources/{survey_source.pk}/").json()
    assert detail["status"] == "ok"
    assert detail["latest_snapshot"]["http_status"] == 200


def test_a_worker_killed_mid_fetch_has_its_job_redelivered_and_stored_once(
    unlinked_article: Article, pages: PageServer, tmp_path: Path
):
    from claims.services.sources import source_set_url

    url = pages.add("/slow-paper", article_page("Slow paper", QUOTE), delay=4)
    source = unlinked_article.sources.get(anchor_text=SURVEY)
    # Redis hands an unacknowledged job to another worker after the visibility timeout;
    # that copy waits for the first one's lease (twice FETCH_TOTAL_TIMEOUT) to end.
    env = {"CELERY_VISIBILITY_TIMEOUT": "3", "FETCH_TOTAL_TIMEOUT": "6"}

    with running_worker(tmp_path / "first.log", **env) as first:
        source_set_url(source=source, url=url, user=OPERATOR)
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
