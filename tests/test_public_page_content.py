"""The public fact-check page as a crawler reads it: the claim and its article, the verdict
explained, the sources and evidence with their links, who reviewed it, the dates; in a
fixed number of queries; indexable while the reviewers' pages are not."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from claims.models import ArticleStatus, QuoteCheck, QuoteResult, SourceStatus, Stance, Verdict
from tests.factories import ArticleFactory, ClaimFactory, EvidenceFactory, SourceFactory
from tests.workflow import publish, rate

pytestmark = pytest.mark.django_db


class Crawler(HTMLParser):
    """What a search engine's crawler takes from a page: its links and robots meta."""

    def __init__(self) -> None:
        super().__init__()
        self.links: dict[str, str] = {}  # href -> rel
        self.robots: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href"):
            self.links[attributes["href"] or ""] = attributes.get("rel") or ""
        if tag == "meta" and attributes.get("name") == "robots":
            self.robots.append(attributes.get("content") or "")

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    @property
    def words(self) -> str:
        return " ".join(" ".join(self.text).split())


def crawl(url: str, client: Client | None = None) -> tuple[Any, Crawler]:
    response = (client or Client()).get(url)
    crawler = Crawler()
    crawler.feed(response.content.decode())
    return response, crawler


@pytest.fixture
def fact_check(editor) -> Any:
    article = ArticleFactory.create(
        title="Trees in the city",
        publisher="The Ledger",
        url="https://ledger.example.org/trees",
        status=ArticleStatus.PUBLISHED,
    )
    claim = ClaimFactory.create(article=article, start=0, end=39)
    fetched = timezone.now()
    for n in range(2):
        source = SourceFactory.create(
            article=article,
            url=f"https://parks.example.org/report-{n}",
            status=SourceStatus.OK,
            last_fetched_at=fetched,
        )
        claim.sources.add(source)
        QuoteCheck.objects.create(claim=claim, source=source, quote=claim.quote, result="exact")
    for n, stance in enumerate(Stance):
        item = EvidenceFactory.create(
            claim=claim,
            url=f"https://stats.example.org/evidence-{n}",
            stance=stance,
            excerpt=f"Excerpt {n}",
            last_fetched_at=fetched,
        )
        QuoteCheck.objects.create(evidence=item, quote=item.excerpt, result=QuoteResult.NOT_FOUND)
    rate(claim, Verdict.MOSTLY_FALSE, Verdict.MOSTLY_FALSE)
    publish(claim, editor, Verdict.MOSTLY_FALSE, rationale="The report lists 3,950 trees.")
    return claim


def test_a_crawler_finds_every_source_and_evidence_link_marked_nofollow_noopener(fact_check):
    response, page = crawl(f"/fact-checks/{fact_check.pk}/")

    assert response.status_code == 200
    outside = {
        *(source.url for source in fact_check.sources.all()),
        *(item.url for item in fact_check.evidence.all()),
        fact_check.article.url,
    }
    assert len(outside) == 6
    for url in outside:
        assert url in page.links, url
        assert set(page.links[url].split()) == {"nofollow", "noopener"}, url


def test_the_page_explains_the_claim_the_verdict_the_evidence_and_its_dates(fact_check):
    _, page = crawl(f"/fact-checks/{fact_check.pk}/")
    words = page.words

    assert fact_check.quote in words
    assert "Trees in the city" in words
    assert "The Ledger" in words
    assert "Verdict: Mostly false" in words
    assert Verdict.MOSTLY_FALSE.description in words
    assert "2 on our scale from 1 (false) to 5 (true)" in words
    assert "/methodology/#scale" in page.links
    assert "The report lists 3,950 trees." in words
    for stance in Stance:
        assert stance.label in words
    assert "Excerpt 0" in words
    assert "Quote check: Exact" in words
    assert "Quote check: Not found" in words
    assert f"Fetched {timezone.now():%-d %B %Y}" in words
    assert f"Published {timezone.now():%-d %B %Y}" in words
    assert "Corrections None." in words


def test_reviewers_are_counted_unless_their_names_are_public(fact_check, settings):
    reviewers = sorted(str(rating.reviewer) for rating in fact_check.ratings.all())

    _, page = crawl(f"/fact-checks/{fact_check.pk}/")
    assert "Reviewed by 2 reviewers" in page.words
    assert reviewers[0] not in page.words

    settings.PUBLIC_REVIEWER_NAMES = True
    _, page = crawl(f"/fact-checks/{fact_check.pk}/")
    assert f"Reviewed by {reviewers[0]}, {reviewers[1]}" in page.words


def test_the_page_reads_a_fixed_number_of_queries_whatever_its_evidence(editor):
    def queries_for(items: int) -> int:
        article = ArticleFactory.create(status=ArticleStatus.PUBLISHED)
        claim = ClaimFactory.create(article=article)
        for _ in range(items):
            source = SourceFactory.create(article=article, status=SourceStatus.OK)
            claim.sources.add(source)
            QuoteCheck.objects.create(claim=claim, source=source, quote=claim.quote, result="exact")
            EvidenceFactory.create(claim=claim)
        rate(claim, *[Verdict.TRUE] * items)
        publish(claim, editor, Verdict.TRUE)
        with CaptureQueriesContext(connection) as captured:
            assert Client().get(f"/fact-checks/{claim.pk}/").status_code == 200
        return len(captured)

    few, many = queries_for(1), queries_for(12)
    assert few == many
    assert (
        many <= 8
    )  # 7 today: publication, sources, their checks, evidence, theirs, ratings, corrections


def test_public_pages_are_indexable_and_the_reviewers_pages_are_not(fact_check, editor):
    for url in (
        f"/fact-checks/{fact_check.pk}/",
        "/fact-checks/",
        "/corrections/",
        "/methodology/",
    ):
        response, page = crawl(url)
        assert response.status_code == 200, url
        assert page.robots == [], url
        assert "X-Robots-Tag" not in response, url

    signed_in = Client()
    signed_in.force_login(editor)
    for url, client in (
        ("/signin/", Client()),
        ("/", signed_in),
        (f"/claims/{fact_check.pk}/", signed_in),
    ):
        response, page = crawl(url, client)
        assert response.status_code == 200, url
        assert page.robots == ["noindex"], url
        assert response["X-Robots-Tag"] == "noindex", url
    # The admin's own layout says "NONE,NOARCHIVE"; the header says noindex.
    response, page = crawl("/admin/login/")
    assert page.robots == ["NONE,NOARCHIVE"]
    assert response["X-Robots-Tag"] == "noindex"
    assert Client().get("/api/v1/claims/")["X-Robots-Tag"] == "noindex"
