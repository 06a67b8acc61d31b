"""Enqueue background jobs once the current transaction commits (never inside it)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction


def enqueue_source_fetches(source_ids: Iterable[int]) -> None:
    ids = list(source_ids)
    if ids:
        transaction.on_commit(lambda: _send_source_fetches(ids))


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


def _send_source_fetches(ids: list[int]) -> None:
    from fetching import tasks

    for source_id in ids:
        tasks.fetch_source.delay(source_id)


def _send(task_name: str, object_id: int) -> None:
    from fetching import tasks

    getattr(tasks, task_name).delay(object_id)
