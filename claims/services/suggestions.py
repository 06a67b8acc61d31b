"""Suggested claims: the article's check-worthy sentences, less those marked or dismissed."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable
from itertools import accumulate
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from claims import policies, stamps
from claims.models import AnchorState, Article, DismissedSuggestion
from claims.pipeline.suggestions import fitted_weights_path, scored
from texts.checkworthy import Suggestion
from texts.structure import byline_name

DEFAULT_LIMIT = 20

__all__ = ["article_suggestions", "fitted_weights_path", "suggestion_dismiss"]


def article_suggestions(*, article: Article, limit: int = DEFAULT_LIMIT) -> list[Suggestion]:
    """The best ``limit`` suggestions, without sentences overlapping a claim or dismissed."""
    placed = article.claims.exclude(anchor_state=AnchorState.ORPHANED)
    overlaps_a_claim = _overlap_test(placed.values_list("start", "end"))
    dismissed = set(article.dismissed_suggestions.values_list("start", "end"))
    out = []
    for suggestion in scored(article):
        start, end = suggestion.start, suggestion.end
        if (start, end) in dismissed or overlaps_a_claim(start, end):
            continue
        if _about_the_author(suggestion.text, article.byline):
            continue
        if suggestion.text.strip().casefold() == article.title.strip().casefold():
            continue  # the headline repeated as the text's first line
        out.append(suggestion)
        if len(out) >= limit:
            break
    return out


def _overlap_test(spans: Iterable[tuple[int, int]]) -> Callable[[int, int], bool]:
    """Whether a span ``start``-``end`` overlaps any of ``spans``, in O(log n): of the spans
    starting before ``end``, does the one ending last end after ``start``?"""
    ordered = sorted(spans)
    starts = [start for start, _ in ordered]
    furthest = list(accumulate((end for _, end in ordered), max))

    def overlaps(start: int, end: int) -> bool:
        before = bisect_left(starts, end)
        return before > 0 and furthest[before - 1] > start

    return overlaps


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
