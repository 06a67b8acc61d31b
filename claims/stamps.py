"""Each article's change stamp: a number that counts up whenever something shown on the
article's reader or on one of its claims' pages changes.

Open pages poll it (``web.views.live``): one indexed read per poll, and while the number
stays the same the answer is a 304. It lives in the database, so every web process and
every worker sees the same number, on SQLite with one process as on PostgreSQL with
many. A change costs one UPDATE (and one cache write, below), sent once the writing
transaction commits: the stamp never runs ahead of what a page would read, and its row
lock is never held inside a service's transaction.

The domain events (``claims.events``) bump it through ``on_event``; services and pipeline
steps whose writes send no event call ``article_changed`` / ``claim_changed`` /
``claims_changed`` themselves.

Each count up also says what changed (``parts``: ``COMMENTS``, ..., or ``EVERYTHING``), kept a
while in the cache under the stamp it made: a page that showed stamp 7 and now sees 9
asks ``changed_parts(article, 7, 9)`` and fetches only what changed, or everything when
a step is not known (another process's per-process cache, an expired or failed cache).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.core.cache import cache
from django.db import connection, transaction

from claims import events
from claims.models import Article, Claim

logger = logging.getLogger(__name__)

EVERYTHING = "*"
COMMENTS = "comments"  # a claim's discussion
COMMENTS_CORRECTED = "comments-corrected"  # its discussion and history (edits, deletions)
ALL = frozenset({EVERYTHING})
COMMENTS_ONLY = frozenset({COMMENTS})
COMMENT_CORRECTED = frozenset({COMMENTS_CORRECTED})
# Which part each event changed, where it is narrower than everything.
EVENT_PARTS: dict[Any, frozenset[str]] = {events.comment_posted: COMMENTS_ONLY}
PARTS_KEPT_SECONDS = 600
MAX_STEPS = 20  # a page further behind than this many stamps fetches everything


def article_changed(article_id: int, *, parts: frozenset[str] = ALL) -> None:
    """Count the article's stamp up once the current transaction commits."""
    transaction.on_commit(lambda: _bump("id = %s", [article_id], parts), robust=True)


def claim_changed(claim_id: int, *, parts: frozenset[str] = ALL) -> None:
    """Count up the stamp of the claim's article once the transaction commits."""
    claims_changed([claim_id], parts=parts)


def claims_changed(claim_ids: Iterable[int], *, parts: frozenset[str] = ALL) -> None:
    """Count up the stamps of these claims' articles (one UPDATE) after commit."""
    ids = sorted(set(claim_ids))
    if ids:
        marks = ", ".join(["%s"] * len(ids))
        where = f"id IN (SELECT article_id FROM claims_claim WHERE id IN ({marks}))"
        transaction.on_commit(lambda: _bump(where, ids, parts), robust=True)


def article_stamp(article_id: int) -> int | None:
    """The article's stamp, or None when there is no such article."""
    stamps = Article.objects.filter(pk=article_id).values_list("change_stamp", flat=True)
    return next(iter(stamps[:1]), None)


def _bump(where: str, params: list[int], parts: frozenset[str]) -> None:
    """Count the stamps up and note what changed under each new stamp."""
    table = Article._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET change_stamp = change_stamp + 1 WHERE {where} "
            "RETURNING id, change_stamp",
            params,
        )
        counted = cursor.fetchall()
    if not counted:
        return
    try:
        noted = {_parts_key(article, stamp): sorted(parts) for article, stamp in counted}
        cache.set_many(noted, timeout=PARTS_KEPT_SECONDS)
    except Exception:  # pages then fetch everything: slower, never wrong
        logger.warning("Could not note what changed in the cache.", exc_info=True)


def changed_parts(article_id: int, since: int, now: int) -> frozenset[str]:
    """What changed on the article's pages from stamp ``since`` to ``now``: the parts
    noted under each stamp between, or ``EVERYTHING`` when one of them is not known."""
    if not 0 <= since < now or now - since > MAX_STEPS:
        return ALL
    keys = [_parts_key(article_id, stamp) for stamp in range(since + 1, now + 1)]
    try:
        noted = cache.get_many(keys)
    except Exception:
        logger.warning("Could not read what changed from the cache.", exc_info=True)
        return ALL
    if len(noted) < len(keys):
        return ALL
    parts = frozenset(part for step in noted.values() for part in step)
    return ALL if EVERYTHING in parts else parts


def _parts_key(article_id: int, stamp: int) -> str:
    return f"stamps:parts:{article_id}:{stamp}"


def on_event(signal: Any = None, **kwargs: Any) -> None:
    """A domain event changed what the article's pages show: count its stamp up.

    Events are sent after commit, so this runs outside any transaction (at once)."""
    parts = EVENT_PARTS.get(signal, ALL)
    for name in ("article", "claim", "source", "comment", "correction_request"):
        target: Any = kwargs.get(name)
        if isinstance(target, Article):
            article_changed(target.pk, parts=parts)
        elif hasattr(target, "article_id"):  # a claim or a source
            article_changed(target.article_id, parts=parts)
        elif hasattr(target, "claim_id"):  # evidence, a comment, a reader's report
            claim_changed(target.claim_id, parts=parts)
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


def claim_stamp(claim_id: int) -> tuple[int, int] | None:
    """The claim's article and its stamp, or None when there is no such claim: what
    every poll of a claim page asks, in one indexed join written out."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT c.article_id, a.change_stamp FROM {Claim._meta.db_table} c "
            f"JOIN {Article._meta.db_table} a ON a.id = c.article_id WHERE c.id = %s",
            [claim_id],
        )
        row = cursor.fetchone()
    return (row[0], row[1]) if row else None
