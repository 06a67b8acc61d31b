"""Suggested claims: the article's check-worthy sentences, less those marked or dismissed."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from claims import policies, stamps
from claims.models import Article, DismissedSuggestion
from texts import checkworthy
from texts.checkworthy import Suggestion
from texts.structure import byline_name

DEFAULT_LIMIT = 20


def fitted_weights_path() -> Path:
    """Where ``manage.py fit_suggestions`` writes the team's weights; preferred when present."""
    return Path(settings.DATA_DIR) / "checkworthy_weights.json"


def _scored(article: Article) -> list[Suggestion]:
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
    spans = list(article.sources.values_list("start", "end"))
    scored = checkworthy.suggest(
        article.text, citations=spans, weights=checkworthy.load_weights(path)
    )
    rows = [(s.start, s.end, s.text, s.score, s.kind, list(s.reasons)) for s in scored]
    with contextlib.suppress(Exception):
        cache.set(key, rows, timeout=24 * 3600)
    return scored


def article_suggestions(*, article: Article, limit: int = DEFAULT_LIMIT) -> list[Suggestion]:
    """The best ``limit`` suggestions, without sentences overlapping a claim or dismissed."""
    taken = list(article.claims.values_list("start", "end"))
    dismissed = set(article.dismissed_suggestions.values_list("start", "end"))
    out = []
    for suggestion in _scored(article):
        start, end = suggestion.start, suggestion.end
        if (start, end) in dismissed or any(a < end and b > start for a, b in taken):
            continue
        if _about_the_author(suggestion.text, article.byline):
            continue
        if suggestion.text.strip().casefold() == article.title.strip().casefold():
            continue  # the headline repeated as the text's first line
        out.append(suggestion)
        if len(out) >= limit:
            break
    return out


def _about_the_author(sentence: str, byline: str) -> bool:
    """A line that presents the author ("Ana Ruiz, a Bangkok-based writer, …": the name,
    then a comma) is about the author, not a claim of the article. A dateline such as
    "Ana Ruiz (Ledger): The council …" stays: the claim follows it."""
    name = byline_name(byline).casefold()
    line = sentence.lstrip(" \"'\u201c\u2018*_").casefold()
    return len(name) >= 3 and line.startswith(name + ",")


@transaction.atomic
def suggestion_dismiss(
    *, article: Article, start: int, end: int, actor: Any
) -> DismissedSuggestion:
    """Hide the suggestion at ``start``-``end`` for everyone; twice is the same as once."""
    policies.check_dismiss_suggestion(actor)
    if not 0 <= start < end <= len(article.text):
        raise ValidationError(
            f"Offsets {start}-{end} are outside the article's text (0-{len(article.text)}) "
            "or cover nothing.",
            code="offsets_out_of_range",
        )
    existing = DismissedSuggestion.objects.filter(article=article, start=start, end=end).first()
    if existing is not None:
        return existing
    stamps.article_changed(article.pk)
    try:
        with transaction.atomic():
            return DismissedSuggestion.objects.create(
                article=article, start=start, end=end, by=policies.person(actor)
            )
    except IntegrityError:
        return DismissedSuggestion.objects.get(article=article, start=start, end=end)
