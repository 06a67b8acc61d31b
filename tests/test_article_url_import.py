"""Importing an article from its URL: created at once, filled in by a worker."""

from __future__ import annotations

import pytest

from claims.errors import DuplicateArticle
from claims.models import Article, ImportStatus, SourceStatus
from claims.services.articles import article_import_url
from claims.tasks import import_article_from_url
from tests.webserver import PageServer

pytestmark = pytest.mark.django_db

STORY = """<!doctype html><html><head>
<title>Riverside plants 4,000 trees | The Ledger</title>
<meta property="og:title" content="Riverside plants 4,000 trees">
<meta name="author" content="Maya Okafor">
<meta property="og:site_name" content="The Ledger">
<meta property="article:published_time" content="2024-01-15T09:00:00Z">
</head><body>
<nav><a href="/">Home</a> <a href="/sport">Sport</a> <a href="/subscribe">Subscribe</a></nav>
<aside class="ad"><a href="https://ads.example.com/buy">Buy now</a></aside>
<article>
<h1>Riverside plants 4,000 trees</h1>
<p>Riverside planted 4,000 street trees in 2023, according to the
<a href="/reports/parks-2023.pdf">parks department's annual report</a>.</p>
<p>Councillor Dana Ruiz said the programme cost twice what was promised, citing the
<a href="https://council.example.org/budget">council's budget papers</a>.</p>
<p>The canopy now covers 23 percent of the city, a survey found. Researchers warn that
newly planted trees take a decade to add measurable shade to streets and parks.</p>
</article>
<footer><a href="/privacy">Privacy</a> <a href="/terms">Terms</a> (c) The Ledger</footer>
</body></html>"""


def test_an_article_from_a_url_is_created_at_once_and_waits_for_the_worker(reviewer):
    article = article_import_url(url="https://ledger.example.org/trees", imported_by=reviewer)
    assert article.import_status == ImportStatus.FETCHING
    assert article.text == ""
    assert not article.sources.exists()


def test_the_worker_imports_the_main_content_with_its_links_and_metadata(
    reviewer, pages: PageServer
):
    url = pages.add("/2024/trees", STORY)
    article = article_import_url(url=url, imported_by=reviewer)

    import_article_from_url.apply(args=[article.pk])

    article.refresh_from_db()
    assert article.import_status == ImportStatus.READY
    assert article.title == "Riverside plants 4,000 trees"
    assert (article.byline, article.publisher) == ("Maya Okafor", "The Ledger")
    assert str(article.published_on) == "2024-01-15"
    assert "Riverside planted 4,000 street trees in 2023" in article.text
    for chrome in ("Subscribe", "Buy now", "Privacy", "Terms"):
        assert chrome not in article.text
    sources = list(article.sources.order_by("position"))
    assert [(s.anchor_text, s.url) for s in sources] == [
        ("parks department's annual report", pages.url("/reports/parks-2023.pdf")),
        ("council's budget papers", "https://council.example.org/budget"),
    ]
    assert all(article.text[s.start : s.end] == s.anchor_text for s in sources)
    assert {s.status for s in sources} == {SourceStatus.PENDING}


def test_a_page_that_does_not_exist_fails_the_import_with_the_reason(reviewer, pages):
    article = article_import_url(url=pages.url("/missing"), imported_by=reviewer)
    import_article_from_url.apply(args=[article.pk])
    article.refresh_from_db()
    assert article.import_status == ImportStatus.FAILED
    assert article.import_detail == "The page answered HTTP 404."


def test_a_url_that_is_not_a_web_page_fails_the_import(reviewer, pages):
    url = pages.add("/data.json", '{"a": 1}', content_type="application/json")
    article = article_import_url(url=url, imported_by=reviewer)
    import_article_from_url.apply(args=[article.pk])
    article.refresh_from_db()
    assert article.import_status == ImportStatus.FAILED
    assert "not a web page" in article.import_detail


def test_a_blocked_url_fails_the_import_without_fetching(reviewer, settings):
    settings.FETCH_ALLOW_LOOPBACK = False
    article = article_import_url(url="http://127.0.0.1:9/admin", imported_by=reviewer)
    import_article_from_url.apply(args=[article.pk])
    article.refresh_from_db()
    assert article.import_status == ImportStatus.FAILED
    assert "loopback" in article.import_detail


def test_the_same_url_twice_is_a_duplicate_unless_forced(reviewer):
    first = article_import_url(url="https://ledger.example.org/trees", imported_by=reviewer)
    with pytest.raises(DuplicateArticle) as raised:
        article_import_url(url="https://ledger.example.org/trees", imported_by=reviewer)
    assert raised.value.existing == first
    article_import_url(url="https://ledger.example.org/trees", imported_by=reviewer, force=True)
    assert Article.objects.count() == 2


@pytest.mark.parametrize("url", ["", "ftp://x.example/a", "javascript:alert(1)", "/relative"])
def test_an_unusable_url_is_refused(reviewer, url):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        article_import_url(url=url, imported_by=reviewer)
    assert not Article.objects.exists()


def test_running_the_import_twice_imports_once(reviewer, pages):
    url = pages.add("/2024/trees", STORY)
    article = article_import_url(url=url, imported_by=reviewer)
    import_article_from_url.apply(args=[article.pk])
    import_article_from_url.apply(args=[article.pk])
    assert article.sources.count() == 2
