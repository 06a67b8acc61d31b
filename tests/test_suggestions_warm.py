"""An imported article's suggestions are scored by a background job, ahead of the reader."""

from __future__ import annotations

from typing import Any

import kombu.exceptions
import pytest

from claims import tasks
from claims.models import Article
from claims.pipeline import suggestions
from claims.services.articles import article_import
from claims.services.suggestions import article_suggestions

pytestmark = pytest.mark.django_db


def test_an_import_queues_the_scoring_after_it_commits(
    sample_markdown: str, reviewer: Any, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    queued: list[int] = []
    monkeypatch.setattr(tasks.warm_suggestions, "delay", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        article = article_import(
            content=sample_markdown, source_format="markdown", imported_by=reviewer
        )
        assert queued == []  # not inside the import's transaction
    assert queued == [article.pk]


def test_a_broker_that_is_down_does_not_fail_the_import(
    sample_markdown: str,
    reviewer: Any,
    monkeypatch: Any,
    django_capture_on_commit_callbacks: Any,
    caplog: Any,
) -> None:
    def down(*args: Any) -> None:
        raise kombu.exceptions.OperationalError("connection refused")

    monkeypatch.setattr(tasks.warm_suggestions, "delay", down)
    with django_capture_on_commit_callbacks(execute=True), caplog.at_level("WARNING"):
        article = article_import(
            content=sample_markdown, source_format="markdown", imported_by=reviewer
        )
    assert Article.objects.filter(pk=article.pk).exists()
    # No periodic recheck scores suggestions: the warning says what will.
    warning = next(r.getMessage() for r in caplog.records if "warm_suggestions" in r.getMessage())
    assert "not queued" in warning
    assert "the reader scores them when opened" in warning
    assert "recheck" not in warning


def test_the_job_scores_once_and_the_reader_reads_the_cache(
    sample_article: Article, monkeypatch: Any
) -> None:
    scored = 0
    suggest = suggestions.checkworthy.suggest

    def counting(*args: Any, **kwargs: Any) -> Any:
        nonlocal scored
        scored += 1
        return suggest(*args, **kwargs)

    monkeypatch.setattr(suggestions.checkworthy, "suggest", counting)
    sentences = tasks.warm_suggestions(sample_article.pk)
    assert sentences > 10
    assert tasks.warm_suggestions(sample_article.pk) == sentences  # twice is harmless
    assert article_suggestions(article=Article.objects.get(pk=sample_article.pk))
    assert scored == 1


def test_the_job_for_an_article_that_is_gone_does_nothing() -> None:
    assert tasks.warm_suggestions(987654) == 0
