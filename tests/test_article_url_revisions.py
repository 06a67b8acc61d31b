"""Articles imported from their URL are fetched again for new revisions: on a reviewer's
"Check for updates" and by the periodic recheck."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from claims import tasks
from claims.models import (
    AnchorState,
    Article,
    ArticleRevision,
    Claim,
    ImportStatus,
    RevisionOrigin,
)
from claims.pipeline.article_fetch import due_for_recheck
from claims.services.articles import article_import_url
from claims.services.claims import claim_create
from claims.services.revisions import article_check_for_updates
from claims.tasks import import_article_from_url, recheck_article_from_url
from tests.webserver import PageServer

pytestmark = pytest.mark.django_db

PAGE = """<!doctype html><html><head><title>Tram line 4 to open in autumn | The Courier</title>
<meta name="author" content="Lea Brandt"></head><body>
<nav><a href="/">Home</a> <a href="/subscribe">Subscribe</a></nav>
<article>
<h1>Tram line 4 to open in autumn</h1>
<p>The new tram line 4 will open on 1 October, the transit authority said on Friday,
three months later than planned.</p>
<p>The 9-kilometre line cost 310 million euros, according to the
<a href="https://transit.example.org/line4/budget">authority's final budget</a>.</p>
<p>Trams will run every six minutes at rush hour and carry up to 40,000 passengers a day,
the authority expects.</p>
<p>{ticket}</p>
</article>
<footer>Updated {stamp}</footer>
</body></html>"""
TICKET = "A single ticket will cost 2.40 euros, the same as on the buses."


@pytest.fixture
def tram(reviewer, pages: PageServer) -> tuple[Article, str]:
    url = pages.add("/2026/tram-line-4", PAGE.format(ticket=TICKET, stamp="09:00"))
    article = article_import_url(url=url, imported_by=reviewer)
    import_article_from_url.apply(args=[article.pk])
    article.refresh_from_db()
    assert article.import_status == ImportStatus.READY
    return article, url


def test_a_changed_page_becomes_a_revision_and_an_unchanged_one_does_not(
    tram, reviewer, pages: PageServer, django_capture_on_commit_callbacks
):
    article, _ = tram
    assert article.revisions.get().origin == RevisionOrigin.URL
    cost = claim_create(article=article, created_by=reviewer, quote="cost 310 million euros")
    rush = claim_create(
        article=article, created_by=reviewer, quote="carry up to 40,000 passengers a day"
    )
    ticket = claim_create(article=article, created_by=reviewer, quote=TICKET)
    # Only the footer's time changed: the article's text is the same.
    pages.add("/2026/tram-line-4", PAGE.format(ticket=TICKET, stamp="10:30"))
    started = time.monotonic()
    assert recheck_article_from_url.apply(args=[article.pk]).get() == "unchanged"
    article.refresh_from_db()
    assert "no new revision" in article.revision_check_detail
    assert article.revisions.count() == 1

    edited = PAGE.format(ticket="", stamp="11:00").replace("310 million", "340 million")
    pages.add("/2026/tram-line-4", edited)
    with django_capture_on_commit_callbacks(execute=False):
        outcome = recheck_article_from_url.apply(args=[article.pk, reviewer.pk]).get()
    assert time.monotonic() - started < 10
    assert outcome == "revised"
    latest = article.revisions.order_by("-number").first()
    assert latest is not None
    assert (latest.number, latest.origin, latest.created_by) == (2, RevisionOrigin.URL, reviewer)
    assert latest.summary["same"] == 1
    assert latest.summary["changed"] == 1
    assert latest.summary["orphaned"] == 1
    states = {c.pk: (c.anchor_state, c.quote) for c in Claim.objects.filter(article=article)}
    assert states[cost.pk] == (AnchorState.CHANGED, "cost 340 million euros")
    assert states[rush.pk] == (AnchorState.CURRENT, rush.quote)
    assert states[ticket.pk][0] == AnchorState.ORPHANED
    article.refresh_from_db()
    assert article.revision_check_detail.startswith("Revision 2:")


def test_a_page_gone_leaves_the_article_as_it_was_and_says_why(tram, pages: PageServer):
    article, _ = tram
    pages.add("/2026/tram-line-4", "gone", status=410)
    assert recheck_article_from_url.apply(args=[article.pk]).get() == "failed"
    article.refresh_from_db()
    assert article.revision_check_detail == "The page answered HTTP 410."
    assert ArticleRevision.objects.filter(article=article).count() == 1


def test_check_for_updates_queues_the_recheck(
    tram, reviewer, client, django_capture_on_commit_callbacks
):
    article, _ = tram
    client.force_login(reviewer)
    assert "Check for updates" in client.get(f"/articles/{article.pk}/").content.decode()
    with django_capture_on_commit_callbacks() as callbacks:
        article_check_for_updates(article=article, user=reviewer)
    assert len(callbacks) == 1


def test_the_periodic_recheck_takes_url_imports_not_checked_for_a_while(tram, settings, reviewer):
    article, _ = tram
    settings.ARTICLE_RECHECK_AFTER_HOURS = 24
    assert due_for_recheck() == []  # imported just now
    later = timezone.now() + timedelta(hours=25)
    assert due_for_recheck(now=later) == [article.pk]
    assert due_for_recheck(now=later) == []  # marked as checked
    assert due_for_recheck(now=later + timedelta(hours=25)) == [article.pk]
    settings.ARTICLE_RECHECK_AFTER_HOURS = 0
    assert due_for_recheck(now=later + timedelta(hours=100)) == []


def test_the_beat_task_sends_a_recheck_for_each_article_due(tram, monkeypatch):
    article, _ = tram
    Article.objects.filter(pk=article.pk).update(created_at=timezone.now() - timedelta(days=3))
    sent: list[tuple[object, ...]] = []

    def send(task: object, *args: object, **options: object) -> bool:
        sent.append((task, *args))
        return True

    monkeypatch.setattr(tasks, "send", send)
    assert tasks.recheck_article_revisions.apply().get() == 1
    assert sent == [(tasks.recheck_article_from_url, article.pk)]
