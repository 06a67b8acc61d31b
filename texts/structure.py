"""The form of an article beside its plain text: headings, paragraphs, quotes, lists, emphasis.

A structure is a list of spans ``[kind, start, end]`` over the plain text, in the
order their elements open in the document (a parent before its children). The plain
text stays what claims and sources anchor into; the spans only say how to show it.
``layout`` turns any list of spans, however odd, into blocks that nest properly, so
that a renderer can merge them with claims and citations into well-formed HTML.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from itertools import pairwise
from typing import Any, NamedTuple

from texts.paragraphs import paragraph_spans

HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# Blocks that hold text (and inline emphasis) only: another block inside one ends it.
TEXT_BLOCKS = HEADINGS | {"p", "pre"}
CONTAINERS = frozenset({"blockquote", "ul", "ol", "li"})
BLOCKS = TEXT_BLOCKS | CONTAINERS
INLINES = frozenset({"em", "strong"})
KINDS = BLOCKS | INLINES
# Where text stands without a paragraph around it; any other text gets one.
TEXT_HOLDERS = TEXT_BLOCKS | {"li"}


class Span(NamedTuple):
    kind: str
    start: int
    end: int
    order: int  # position in the document: a parent comes before its children

    @property
    def is_block(self) -> bool:
        return self.kind in BLOCKS


def structure_errors(value: Any) -> list[str]:
    """What is wrong with a stored structure (empty when it is a valid one)."""
    if not isinstance(value, list):
        return ["The structure must be a list of [kind, start, end] spans."]
    errors = []
    for index, item in enumerate(value):
        if not (
            isinstance(item, list | tuple)
            and len(item) == 3
            and item[0] in KINDS
            and all(type(n) is int for n in item[1:])
            and 0 <= item[1] < item[2]
        ):
            errors.append(
                f"Span {index} must be [kind, start, end] with a known kind "
                f"({', '.join(sorted(KINDS))}) and 0 <= start < end; it is {item!r}."
            )
            if len(errors) == 3:
                break
    return errors


def spans_of(structure: Iterable[Sequence[Any]], length: int) -> list[Span]:
    """The stored spans that fit in a text of ``length`` characters, clamped to it."""
    spans = []
    for order, item in enumerate(structure):
        try:
            kind, start, end = item
            start, end = max(int(start), 0), min(int(end), length)
        except (TypeError, ValueError):
            continue
        if kind in KINDS and start < end:
            spans.append(Span(kind, start, end, order))
    return spans


def layout(text: str, structure: Iterable[Sequence[Any]]) -> list[Span]:
    """Blocks that nest properly and cover every word, then the inline spans.

    A block that crosses its parent's end is cut there; a block inside a paragraph or
    heading is dropped (its text stays in the paragraph). Text that no paragraph, heading
    or list item holds (plain text, a bare quote) becomes paragraphs, split at blank
    lines and at every block's edge, so a plain-text article reads as it always did.
    """
    spans = spans_of(structure, len(text))
    blocks: list[Span] = []
    stack: list[Span] = []
    for span in sorted((s for s in spans if s.is_block), key=_nesting_key):
        while stack and stack[-1].end <= span.start:
            stack.pop()
        if stack:
            parent = stack[-1]
            if parent.kind in TEXT_BLOCKS:
                continue
            if span.end > parent.end:
                span = span._replace(end=parent.end)
        blocks.append(span)
        stack.append(span)

    # Between two consecutive block edges, text is either all inside a holder or none of it.
    edges = sorted({0, len(text), *(s.start for s in blocks), *(s.end for s in blocks)})
    holder_changes: dict[int, int] = {}
    for span in blocks:
        if span.kind in TEXT_HOLDERS:
            holder_changes[span.start] = holder_changes.get(span.start, 0) + 1
            holder_changes[span.end] = holder_changes.get(span.end, 0) - 1
    order = len(spans) + 1 if not spans else max(s.order for s in spans) + 1
    depth = 0
    for left, right in pairwise(edges):
        depth += holder_changes.get(left, 0)
        if depth or not text[left:right].strip():
            continue
        piece = text[left:right]
        for start, end in paragraph_spans(piece):
            words = piece[start:end]
            start += len(words) - len(words.lstrip())
            end -= len(words) - len(words.rstrip())
            blocks.append(Span("p", left + start, left + end, order))
            order += 1
    blocks.sort(key=_nesting_key)
    # Renumbered so that a parent still comes first if both are cut to the same span.
    inlines = [s for s in spans if not s.is_block]
    return [Span(s.kind, s.start, s.end, n) for n, s in enumerate([*blocks, *inlines])]


def _nesting_key(span: Span) -> tuple[int, int, int]:
    return span.start, -span.end, span.order


def infer_quotations(text: str, spans: list[Span]) -> list[Span]:
    """Adds a block quote around each run of paragraphs wholly in italics that follows a
    paragraph ending in a colon: how articles without ``>`` or ``<blockquote>`` quote."""
    top = _top_level_blocks(spans)
    emphasised = {(s.start, s.end) for s in spans if s.kind == "em"}
    quotes = []
    run: list[Span] = []
    introduced = False
    for block in top:
        quoted = block.kind == "p" and (
            (block.start, block.end) in emphasised
            or (block.start + 1, block.end) in emphasised  # a leading quotation mark
            or (block.start, block.end - 1) in emphasised
        )
        if quoted and (introduced or run):
            run.append(block)
        else:
            if run:
                quotes.append((run[0], run[-1]))
            run = []
            introduced = block.kind == "p" and text[block.start : block.end].rstrip().endswith(":")
    if run:
        quotes.append((run[0], run[-1]))
    if not quotes:
        return spans
    # The quote opens just before its first paragraph: order it as that paragraph's parent.
    shifted = [s._replace(order=s.order * 2 + 1) for s in spans]
    for first, last in quotes:
        shifted.append(Span("blockquote", first.start, last.end, first.order * 2))
    return sorted(shifted, key=lambda s: s.order)


def _top_level_blocks(spans: Sequence[Span]) -> list[Span]:
    top: list[Span] = []
    for span in sorted((s for s in spans if s.is_block), key=_nesting_key):
        if not top or span.start >= top[-1].end:
            top.append(span)
    return top


def as_stored(spans: Iterable[Span]) -> list[list[Any]]:
    """Spans in document order as the JSON an article keeps."""
    return [[s.kind, s.start, s.end] for s in sorted(spans, key=lambda s: s.order)]


_SPACES = re.compile(r"\s+")
_BYLINE_PREFIX = re.compile(r"^(?:by|written by)\s+", re.IGNORECASE)
_PUBLISHER_PREFIX = re.compile(r"^(?:source|published by|via):\s*", re.IGNORECASE)


def byline_name(line: str) -> str:
    """The name a byline gives: "By Ana Ruiz" and "written by Ana Ruiz" give "Ana Ruiz"."""
    return _BYLINE_PREFIX.sub("", line.strip())


def _folded(line: str) -> str:
    return _SPACES.sub(" ", line).strip().casefold()


def _same(line: str, shown: str) -> bool:
    return bool(shown) and _folded(line) == _folded(shown)


def header_blocks(
    text: str, structure: Iterable[Sequence[Any]], *, title: str, byline: str, publisher: str
) -> list[tuple[int, int, int]]:
    """The leading blocks that repeat the title, the byline or the "Source:" line shown
    above the article, as (start, end, next block's start), in order. Only a heading
    repeats the title: a plain-text article's first sentence may be its title too, and
    it is the article's text, to be read and marked."""
    top = _top_level_blocks(layout(text, structure))
    found = []
    wanted = {"title": title, "byline": byline, "publisher": publisher}
    for block, following in pairwise(top):
        line = text[block.start : block.end]
        if wanted.get("title") and block.kind in HEADINGS and _same(line, title):
            del wanted["title"]
        elif wanted.get("byline") and _same(byline_name(line), byline):
            del wanted["byline"]
        elif (
            wanted.get("publisher")
            and _PUBLISHER_PREFIX.match(line)
            and _same(_PUBLISHER_PREFIX.sub("", line), publisher)
        ):
            del wanted["publisher"]
        else:
            break
        found.append((block.start, block.end, following.start))
    return found
