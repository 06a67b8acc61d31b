"""Find a quoted passage in an article's text and describe where it stands.

A claim is anchored twice, as in the W3C Web Annotation model: by position
(``start``/``end``, a TextPositionSelector) and by quote with some context
(``prefix``/``quote``/``suffix``, a TextQuoteSelector). Positions are fast and
exact; the quote and its context find the passage again if positions drift.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from texts.textnorm import canonical_forms

CONTEXT_CHARS = 32  # length of a claim's prefix and suffix (W3C TextQuoteSelector)

# Characters a reader's copy of a quote often has in another form than the text.
_QUOTE_EQUIVALENTS = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u2032": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u2033": '"',
}


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    prefix: str
    suffix: str


def context_of(text: str, start: int, end: int, size: int = CONTEXT_CHARS) -> tuple[str, str]:
    return text[max(start - size, 0) : start], text[end : end + size]


def span_at(text: str, start: int, end: int) -> Span:
    prefix, suffix = context_of(text, start, end)
    return Span(start=start, end=end, prefix=prefix, suffix=suffix)


def find_exact(text: str, quote: str) -> list[int]:
    """Start offsets of every occurrence of ``quote``, overlapping ones included."""
    starts = []
    position = text.find(quote)
    while position != -1:
        starts.append(position)
        position = text.find(quote, position + 1)
    return starts


def _loose_pattern(quote: str) -> re.Pattern[str]:
    """Match ``quote`` whatever its whitespace runs and its straight or curly quote marks."""
    parts: list[str] = []
    for char in quote:
        if char.isspace():
            if not parts or parts[-1] != r"\s+":
                parts.append(r"\s+")
            continue
        plain = _QUOTE_EQUIVALENTS.get(char, char)
        variants = {plain} | {
            curly for curly, straight in _QUOTE_EQUIVALENTS.items() if straight == plain
        }
        parts.append(
            "[" + "".join(re.escape(v) for v in sorted(variants)) + "]"
            if len(variants) > 1
            else re.escape(char)
        )
    return re.compile("".join(parts))


def find_loose(text: str, quote: str) -> list[tuple[int, int]]:
    stripped = quote.strip()
    if not stripped:
        return []
    return [(m.start(), m.end()) for m in _loose_pattern(stripped).finditer(text)]


def find_spans(text: str, quote: str) -> list[Span]:
    """Every place ``quote`` stands in ``text``: exact matches, else loose ones; the
    quote's accents may be composed or decomposed where the text's are not."""
    forms = canonical_forms(quote.strip())
    if not forms[0]:
        return []
    for form in forms:
        if exact := find_exact(text, form):
            return [span_at(text, start, start + len(form)) for start in exact]
    for form in forms:
        if loose := find_loose(text, form):
            return [span_at(text, start, end) for start, end in loose]
    return []
