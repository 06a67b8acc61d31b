"""Enqueue background jobs once the current transaction commits (never inside it)."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import zip_longest
from urllib.parse import urlsplit

from django.db import transaction

# Above this many sources, the web request queues one job that queues the fetches
# from a worker: an article with 2,000 links costs the request one message.
FAN_OUT_ABOVE = 20


def enqueue_source_fetches(source_ids: Iterable[int]) -> None:
    ids = list(source_ids)
    if len(ids) > FAN_OUT_ABOVE:
        transaction.on_commit(lambda: _send("fan_out_source_fetches", ids))
    elif ids:
        transaction.on_commit(lambda: send_source_fetches(ids))


def enqueue_evidence_fetch(evidence_id: int) -> None:
    transaction.on_commit(lambda: _send("fetch_evidence", evidence_id))


def enqueue_article_fetch(article_id: int) -> None:
    transaction.on_commit(lambda: _send("import_article_from_url", article_id))


def enqueue_claim_verification(claim_id: int) -> None:
    from verification import tasks

    transaction.on_commit(lambda: tasks.verify_claim.delay(claim_id))


def enqueue_evidence_verification(evidence_id: int) -> None:
    from verification import tasks

    transaction.on_commit(lambda: tasks.verify_evidence.delay(evidence_id))


def send_source_fetches(ids: list[int]) -> None:
    from claims.models import Source
    from fetching import tasks

    urls = dict(Source.objects.filter(pk__in=ids).values_list("pk", "url"))
    for source_id in sites_taking_turns(ids, urls):
        tasks.fetch_source.delay(source_id)


def sites_taking_turns(ids: list[int], urls: dict[int, str]) -> list[int]:
    """``ids`` reordered so that consecutive fetches go to different sites.

    An article often cites one site many times in a row. A worker takes jobs in queue
    order, and each site gets only FETCH_MAX_PER_HOST requests at a time, so a run of
    one site's sources would leave the worker's other threads waiting for that site.
    """
    by_site: dict[str, list[int]] = {}
    for source_id in ids:
        site = urlsplit(urls.get(source_id, "")).netloc.lower()
        by_site.setdefault(site, []).append(source_id)
    return [
        source_id
        for turn in zip_longest(*by_site.values())
        for source_id in turn
        if source_id is not None
    ]


def _send(task_name: str, argument: object) -> None:
    from fetching import tasks

    getattr(tasks, task_name).delay(argument)
