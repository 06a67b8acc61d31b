"""Every sentence of an article scored for check-worthiness, cached: the suggestions'
costly step, shared by the reader (``claims.services.suggestions``) and the job that
computes them ahead of the first reader at import (``claims.tasks.warm_suggestions``)."""

from __future__ import annotations

import contextlib
from pathlib import Path

from django.conf import settings
from django.core.cache import cache

from claims.models import Article
from texts import checkworthy
from texts.checkworthy import Suggestion


def fitted_weights_path() -> Path:
    """Where ``manage.py fit_suggestions`` writes the team's weights; preferred when present."""
    return Path(settings.DATA_DIR) / "checkworthy_weights.json"


def scored(article: Article) -> list[Suggestion]:
    """Every sentence of the article scored, cached by the text and weights it came from:
    scoring a 1 MB text takes seconds, and the text never changes after import."""
    path = fitted_weights_path()
    version = int(path.stat().st_mtime) if path.exists() else 0
    key = f"checkworthy:v1:{article.content_sha256}:{article.pk}:{version}"
    try:
        cached = cache.get(key)
    except Exception:  # a cache outage only costs the time to score again
        cached = None
    if cached is not None:
        return [
            Suggestion(start=a, end=b, text=t, score=sc, kind=k, reasons=tuple(r))
            for a, b, t, sc, k, r in cached
        ]
    spans = list(article.sources.filter(in_text=True).values_list("start", "end"))
    found = checkworthy.suggest(
        article.text, citations=spans, weights=checkworthy.load_weights(path)
    )
    rows = [(s.start, s.end, s.text, s.score, s.kind, list(s.reasons)) for s in found]
    with contextlib.suppress(Exception):
        cache.set(key, rows, timeout=24 * 3600)
    return found


def warm(article_id: int) -> int:
    """Score the article now if its scores are not cached; the number of sentences
    (0 for an article that is gone or has no text yet)."""
    article = Article.objects.filter(pk=article_id).only("pk", "text", "content_sha256").first()
    if article is None or not article.text:
        return 0
    return len(scored(article))
