"""Each article's change stamp: a number that counts up whenever something shown on the
article's reader or on one of its claims' pages changes.

Open pages poll it (``web.views.live``): one indexed read per poll, and while the number
stays the same the answer is a 304. It lives in the database, so every web process and
every worker sees the same number, on SQLite with one process as on PostgreSQL with
many. A change costs one UPDATE, sent once the writing transaction commits: the stamp
never runs ahead of what a page would read, and its row lock is never held inside a
service's transaction.

The domain events (``claims.events``) bump it through ``on_event``; services and pipeline
steps whose writes send no event call ``article_changed`` / ``claim_changed`` /
``claims_changed`` themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import F

from claims import events
from claims.models import Article, Claim


def article_changed(article_id: int) -> None:
    """Count the article's stamp up once the current transaction commits."""
    transaction.on_commit(lambda: _bump(Article.objects.filter(pk=article_id)), robust=True)


def claim_changed(claim_id: int) -> None:
    """Count up the stamp of the claim's article once the transaction commits."""
    claims_changed([claim_id])


def claims_changed(claim_ids: Iterable[int]) -> None:
    """Count up the stamps of these claims' articles (one UPDATE) after commit."""
    ids = sorted(set(claim_ids))
    if ids:
        articles = Article.objects.filter(
            pk__in=Claim.objects.filter(pk__in=ids).values("article_id")
        )
        transaction.on_commit(lambda: _bump(articles), robust=True)


def article_stamp(article_id: int) -> int | None:
    """The article's stamp, or None when there is no such article."""
    return Article.objects.filter(pk=article_id).values_list("change_stamp", flat=True).first()


def _bump(articles: Any) -> None:
    articles.update(change_stamp=F("change_stamp") + 1)


def on_event(signal: Any = None, **kwargs: Any) -> None:
    """A domain event changed what the article's pages show: count its stamp up.

    Events are sent after commit, so this runs outside any transaction (at once)."""
    for name in ("article", "claim", "source", "comment", "correction_request"):
        target: Any = kwargs.get(name)
        if isinstance(target, Article):
            article_changed(target.pk)
        elif hasattr(target, "article_id"):  # a claim or a source
            article_changed(target.article_id)
        elif hasattr(target, "claim_id"):  # evidence, a comment, a reader's report
            claim_changed(target.claim_id)
        else:
            continue
        return


def connect() -> None:
    """Listen to every domain event (``ClaimsConfig.ready``)."""
    for signal in events.EVENTS.values():
        signal.connect(on_event, dispatch_uid=f"claims.stamps:{id(signal)}")


def fetched_changed(target: Any) -> None:
    """A source's or an evidence item's fetch state changed: its pages show it."""
    if hasattr(target, "article_id"):
        article_changed(target.article_id)
    else:
        claim_changed(target.claim_id)


def claim_stamp(claim_id: int) -> int | None:
    """The stamp of the claim's article, or None when there is no such claim."""
    return Article.objects.filter(claims=claim_id).values_list("change_stamp", flat=True).first()
