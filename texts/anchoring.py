"""Find a quoted passage in an article's text and describe where it stands.

A claim is anchored twice, as in the W3C Web Annotation model: by position
(``start``/``end``, a TextPositionSelector) and by quote with some context
(``prefix``/``quote``/``suffix``, a TextQuoteSelector). Positions are fast and
exact; the quote and its context find the passage again if positions drift.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

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


# --- Finding a passage again in a new version of the text ---------------------------
#
# As Hypothesis does for annotations whose document changed: the exact quote first,
# then the quote whatever its whitespace and quote marks, then an approximate match of
# the quote, each candidate scored by how well its words, the text before and after it
# and its place in the text agree with what was recorded (Hypothesis's weights).

QUOTE_WEIGHT = 50
PREFIX_WEIGHT = 20
SUFFIX_WEIGHT = 20
POSITION_WEIGHT = 2
_TOTAL_WEIGHT = QUOTE_WEIGHT + PREFIX_WEIGHT + SUFFIX_WEIGHT + POSITION_WEIGHT
# An approximate match is taken when its words are this close to the quote's (0-1)...
MIN_QUOTE_SIMILARITY = 0.6
# ...and its words, context and place together score at least this (0-1).
MIN_SCORE = 0.6
# Below this the closest passage is not worth offering a reviewer.
MIN_CANDIDATE_SIMILARITY = 0.35
_CANDIDATES = 8  # approximate windows refined with their context
_REFINE_WORDS = 2  # how far a window's ends move, in words, while it is refined
_WORDS = re.compile(r"\S+")


class Outcome:
    SAME = "same"  # found with the same words (whitespace and quote marks aside)
    CHANGED = "changed"  # found, its words changed
    ORPHANED = "orphaned"  # not found


@dataclass(frozen=True, slots=True)
class Reanchoring:
    outcome: str
    span: Span | None  # where the passage now stands; None when orphaned
    score: float  # 0-1, the weighted agreement of quote, context and place
    candidate: Span | None = None  # orphaned: the closest passage, for a reviewer to judge


def same_words(a: str, b: str) -> bool:
    """The same text but for whitespace runs, straight or curly quote marks and
    composed or decomposed accents."""
    return _comparable(a) == _comparable(b)


_STRAIGHT = str.maketrans(_QUOTE_EQUIVALENTS)


def _comparable(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).translate(_STRAIGHT).split())


def _similarity(a: str, b: str) -> float:
    """0-1, of two texts already made ``_comparable`` (or near enough)."""
    if not a and not b:
        return 1.0
    return float(fuzz.ratio(a, b)) / 100


def _scored(
    text: str, start: int, end: int, quote: str, prefix: str, suffix: str, expected: int | None
) -> tuple[float, float]:
    """(the weighted score, the quote's similarity) of the passage ``text[start:end]``."""
    words = _similarity(quote, _comparable(text[start:end]))
    before = _similarity(prefix, text[max(0, start - len(prefix)) : start]) if prefix else 0.5
    after = _similarity(suffix, text[end : end + len(suffix)]) if suffix else 0.5
    place = 0.5 if expected is None else max(0.0, 1 - abs(start - expected) / max(len(text), 1))
    total = (
        QUOTE_WEIGHT * words
        + PREFIX_WEIGHT * before
        + SUFFIX_WEIGHT * after
        + POSITION_WEIGHT * place
    )
    return total / _TOTAL_WEIGHT, words


def passage_score(
    text: str,
    start: int,
    end: int,
    *,
    quote: str,
    prefix: str = "",
    suffix: str = "",
    expected: int | None = None,
) -> float:
    """How well ``text[start:end]`` agrees with a passage recorded as ``quote`` between
    ``prefix`` and ``suffix``, near ``expected`` (0-1, texts.anchoring's weights)."""
    return _scored(text, start, end, _comparable(quote), prefix, suffix, expected)[0]


@lru_cache(maxsize=4)
def _words(text: str) -> tuple[tuple[int, int], ...]:
    return tuple((m.start(), m.end()) for m in _WORDS.finditer(text))


@lru_cache(maxsize=16)
def _windows(text: str, length: int) -> list[str]:
    """Every run of ``length`` words of ``text``, as compared."""
    words = _words(text)
    return [
        _comparable(text[words[i][0] : words[i + length - 1][1]])
        for i in range(len(words) - length + 1)
    ]


def _approximate(
    text: str, quote: str, prefix: str, suffix: str, expected: int | None
) -> tuple[float, float, int, int] | None:
    """The best window of whole words for ``quote``: (score, similarity, start, end)."""
    words = _words(text)
    target = _comparable(quote)
    length = min(len(target.split()), len(words))
    if not length:
        return None
    found = process.extract(
        target, _windows(text, length), scorer=fuzz.ratio, processor=None, limit=_CANDIDATES
    )
    best: tuple[float, float, int, int] | None = None
    for _, _, first in found:
        for i in range(max(0, first - _REFINE_WORDS), min(len(words), first + _REFINE_WORDS + 1)):
            low = max(i, i + length - 1 - _REFINE_WORDS)
            high = min(len(words), i + length + _REFINE_WORDS)
            for j in range(low, high):
                start, end = _trimmed(text, words[i][0], words[j][1], quote)
                score, similarity = _scored(text, start, end, target, prefix, suffix, expected)
                if best is None or score > best[0]:
                    best = (score, similarity, start, end)
    return best


def _trimmed(text: str, start: int, end: int, quote: str) -> tuple[int, int]:
    """A window of whole words without the punctuation the quote does not start or end
    with ("million," for a quote ending in "million")."""
    if quote[:1].isalnum():
        while start < end and not text[start].isalnum():
            start += 1
    if quote[-1:].isalnum():
        while end > start and not text[end - 1].isalnum():
            end -= 1
    return start, end


def reanchor(
    text: str,
    *,
    quote: str,
    prefix: str = "",
    suffix: str = "",
    start: int | None = None,
    old_length: int | None = None,
) -> Reanchoring:
    """Where ``quote`` (recorded with ``prefix``/``suffix`` at ``start`` in a text of
    ``old_length`` characters) stands in the new ``text``, and whether its words changed.

    Several occurrences of the same words are told apart by their context and place;
    an approximate match must be close enough in words and in all (``MIN_*``)."""
    expected = None
    if start is not None:
        scale = len(text) / old_length if old_length else 1.0
        expected = round(start * scale)
    exact = find_spans(text, quote)
    if exact:
        target = _comparable(quote)
        scored = [
            (_scored(text, s.start, s.end, target, prefix, suffix, expected)[0], s) for s in exact
        ]
        score, span = max(scored, key=lambda pair: pair[0])
        return Reanchoring(Outcome.SAME, span, score)
    best = _approximate(text, quote, prefix, suffix, expected)
    if best is None:
        return Reanchoring(Outcome.ORPHANED, None, 0.0)
    score, similarity, found_start, found_end = best
    span = span_at(text, found_start, found_end)
    if similarity >= MIN_QUOTE_SIMILARITY and score >= MIN_SCORE:
        same = same_words(quote, text[found_start:found_end])
        return Reanchoring(Outcome.SAME if same else Outcome.CHANGED, span, score)
    candidate = span if similarity >= MIN_CANDIDATE_SIMILARITY else None
    return Reanchoring(Outcome.ORPHANED, None, score, candidate=candidate)
