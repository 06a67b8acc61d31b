"""Does a passage an article quotes really appear in its source, and in those words?

Both sides are compared after normalising what typesetting changes and meaning
does not: case, runs of whitespace, curly and straight quotes, the many dashes,
ligatures and other compatibility characters. An ellipsis in the quote means
words left out: each part around it must appear in the source, in the quote's
order. A quote that is not found word for word is aligned approximately; the
source's own wording comes back with its offsets into the original text, and
flags name the differences that change meaning (a dropped "not" or "may", a
changed number).
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from typing import Literal

from rapidfuzz import fuzz, process

from texts.textnorm import MARKS, is_mark

MatchResult = Literal["exact", "altered", "not_found"]

DEFAULT_THRESHOLD = 0.85
# rapidfuzz aligns a part this short against the whole text in one fast pass;
# its cost grows with the square of a part's length, so longer parts are located
# by comparing windows of the text instead.
DIRECT_ALIGNMENT_MAX_CHARS = 256
CANDIDATE_WINDOWS = 5
# How many word boundaries either side of an alignment's ends are tried.
BOUNDARY_CHOICES = 4


@dataclass(frozen=True, slots=True)
class QuoteMatch:
    result: MatchResult
    score: float  # 1.0 for exact
    # The source's best matching passage in its original characters; parts of a
    # quote with ellipses are joined with " … ". "" when not found.
    source_wording: str
    source_start: int | None  # offsets into source_text, spanning every part
    source_end: int | None
    flags: list[str] = field(default_factory=list)


def match_quote(
    quote: str, source_text: str, *, threshold: float = DEFAULT_THRESHOLD
) -> QuoteMatch:
    parts = quote_parts(quote)
    if not parts:
        return QuoteMatch("not_found", 0.0, "", None, None)
    source = _normalise(source_text)
    spans: list[_Span] = []
    position = 0
    for part in parts:
        span = _find_exact(part, source.text, position) or _find_approximate(
            part, source.text, position
        )
        if span is None:  # nothing of the source is left after the previous part
            return QuoteMatch("not_found", 0.0, "", None, None, _order_flags(parts, source.text))
        spans.append(span)
        position = span.end

    if all(span.exact for span in spans):
        result: MatchResult = "exact"
        score = 1.0
    else:
        score = round(min(span.score for span in spans), 3)
        result = "altered" if score >= threshold else "not_found"

    flags = _order_flags(parts, source.text) if result != "exact" else []
    if result == "not_found":
        return QuoteMatch("not_found", score, "", None, None, flags)
    for part, span in zip(parts, spans, strict=True):
        if not span.exact:
            flags += _wording_flags(part, source.text[span.start : span.end])
    for before, after in pairwise(spans):
        flags += _omission_flags(source.text[before.end : after.start])
    originals = [source.original_span(span.start, span.end) for span in spans]
    return QuoteMatch(
        result=result,
        score=score,
        source_wording=" … ".join(source_text[start:end] for start, end in originals),
        source_start=originals[0][0],
        source_end=originals[-1][1],
        flags=flags,
    )


# -- normalising ------------------------------------------------------------------

_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2043\ufe58\ufe63\uff0d"
_CHARACTERS = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u0060\u00b4", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
    # Invisible: soft hyphen, zero-width spaces and joiners, word joiner, BOM.
    **dict.fromkeys("\u00ad\u200b\u200c\u200d\u2060\ufeff", ""),
}
# One token per step: a dash with the spaces around it ("a - b", "a—b" and "a -- b"
# read the same), a whitespace run, plain ASCII words (no dash or backtick) single
# spaced, which need nothing but lower-casing, or any other character with the
# accents and marks that follow it. A letter and its accents are normalised
# together, so "é" precomposed, "e" + U+0301, and stacked accents in any order
# compare equal, and an offset never falls between a letter and its accent.
_TOKENS = re.compile(
    rf"(?P<dash>\s*[{re.escape(_DASHES)}]+\s*)"
    r"|(?P<space>\s+)"
    r"|(?P<ascii>[\x21-\x2c\x2e-\x5f\x61-\x7e]+(?: [\x21-\x2c\x2e-\x5f\x61-\x7e]+)*)"
    rf"(?![{MARKS}])"
    rf"|(?P<other>.[{MARKS}]*)",
    re.DOTALL,
)


@dataclass(frozen=True, slots=True)
class _Normalised:
    text: str
    # Where the original characters that each character of text comes from start
    # and end: one original character ("ﬁ") may become several ("fi"), several
    # ("e" + accent) one token.
    starts: array[int]
    ends: array[int]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        return self.starts[start], self.ends[end - 1]


@lru_cache(maxsize=4096)
def _character(cluster: str) -> str:
    if (mapped := _CHARACTERS.get(cluster[0])) is not None:
        cluster = mapped + cluster[1:]
    # Decomposing again after case folding puts stacked accents in one order.
    return unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", cluster).casefold())


def _normalise(text: str) -> _Normalised:
    pieces: list[str] = []
    starts: array[int] = array("q")
    ends: array[int] = array("q")
    last = ""
    for match in _TOKENS.finditer(text):
        token, start, end, kind = match.group(), match.start(), match.end(), match.lastgroup
        if kind == "ascii":
            pieces.append(token.lower())
            starts.extend(range(start, end))
            ends.extend(range(start + 1, end + 1))
            last = token[-1]
            continue
        if kind == "dash":
            piece = "-"
            start += len(token) - len(token.lstrip())
            end -= len(token) - len(token.rstrip())
        elif kind == "space":
            if last == " ":
                continue
            piece = " "
        elif not (piece := _character(token)):
            continue
        pieces.append(piece)
        starts.extend([start] * len(piece))
        ends.extend([end] * len(piece))
        last = piece[-1]
    return _Normalised("".join(pieces), starts, ends)


_DOTS = r"(?:\.{3,}|\.\s\.\s\.(?:\s\.)?)"
# A sentence's own full stop before a spaced "..." stays with the sentence.
_ELLIPSIS = re.compile(rf"\s*(?:\[\s*{_DOTS}\s*\]|\(\s*{_DOTS}\s*\)|{_DOTS})\s*")
_PART_EDGES = " \"',;:"


def quote_parts(quote: str) -> list[str]:
    """The normalised pieces of a quote between its ellipses, in order."""
    parts = (part.strip(_PART_EDGES) for part in _ELLIPSIS.split(_normalise(quote).text))
    return [part for part in parts if part]


# -- finding ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Span:
    start: int  # offsets into the normalised source
    end: int
    score: float
    exact: bool


def _in_word(char: str) -> bool:
    return char.isalnum() or is_mark(char)


def _find_exact(part: str, text: str, position: int) -> _Span | None:
    """The first occurrence at or after position that does not cut a word in two, nor
    a letter from its accent."""
    start = text.find(part, position)
    while start != -1:
        end = start + len(part)
        cuts_start = _in_word(part[0]) and start > 0 and _in_word(text[start - 1])
        cuts_end = end < len(text) and (
            is_mark(text[end]) or (_in_word(part[-1]) and _in_word(text[end]))
        )
        if not (cuts_start or cuts_end):
            return _Span(start, end, 1.0, exact=True)
        start = text.find(part, start + 1)
    return None


def _find_approximate(part: str, text: str, position: int) -> _Span | None:
    if position >= len(text):
        return None
    if len(part) <= DIRECT_ALIGNMENT_MAX_CHARS:
        alignment = fuzz.partial_ratio_alignment(part, text[position:])
        if alignment is None:
            return None
        start, end = position + alignment.dest_start, position + alignment.dest_end
        return _on_word_boundaries(part, text, start, end, position)
    spans = (
        _on_word_boundaries(part, text, start, start + len(part), position)
        for start in _likely_starts(part, text, position)
    )
    return max(spans, key=lambda span: span.score, default=None)


def _likely_starts(part: str, text: str, position: int) -> list[int]:
    """Where a long part most likely starts: coarse windows, then finer ones near the best.

    Windows the length of the part a quarter apart: the true place overlaps one of
    them by at least seven eighths, which ranks it far above unrelated text.
    """
    length = len(part)
    step = length // 4
    coarse = range(position, max(position + 1, len(text) - length + step), step)
    fine_step = max(length // 32, 1)
    starts = []
    for start in _best_windows(part, text, coarse, CANDIDATE_WINDOWS):
        fine = range(max(position, start - step), start + step + 1, fine_step)
        starts += _best_windows(part, text, fine, 1)
    return starts


def _best_windows(part: str, text: str, starts: range, limit: int) -> list[int]:
    windows = [text[start : start + len(part)] for start in starts]
    best = process.extract(part, windows, scorer=fuzz.ratio, limit=limit)
    return [starts[index] for _window, _score, index in best]


def _on_word_boundaries(part: str, text: str, start: int, end: int, lowest: int) -> _Span:
    """The best matching passage whose ends are word boundaries near the alignment's."""
    reach = min(max(len(part) // 4, 12), 80)
    starts = _boundaries(text, start, reach, lowest, word_start=True) or [start]
    ends = _boundaries(text, end, reach, lowest, word_start=False) or [end]

    def quality(bounds: tuple[int, int]) -> float:
        return fuzz.ratio(part, text[bounds[0] : bounds[1]])

    choices = [(low, high) for low in starts for high in ends if high > low]
    if not choices:
        return _Span(start, max(end, start + 1), 0.0, exact=False)
    low, high = max(choices, key=quality)
    return _Span(low, high, fuzz.ratio(part, text[low:high]) / 100, exact=False)


def _is_word_start(text: str, index: int) -> bool:
    return index < len(text) and text[index] != " " and (index == 0 or text[index - 1] == " ")


def _is_word_end(text: str, index: int) -> bool:
    return index > 0 and text[index - 1] != " " and (index == len(text) or text[index] == " ")


def _boundaries(text: str, around: int, reach: int, lowest: int, *, word_start: bool) -> list[int]:
    is_boundary = _is_word_start if word_start else _is_word_end
    low = max(lowest, around - reach)
    high = min(len(text), around + reach)
    found = [index for index in range(low, high + 1) if is_boundary(text, index)]
    return sorted(found, key=lambda index: abs(index - around))[: 2 * BOUNDARY_CHOICES]


# -- flags --------------------------------------------------------------------------

_WORDS = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+(?:'[^\W\d_]+)*")
_QUALIFIERS: tuple[tuple[str, ...], ...] = tuple(
    tuple(phrase.split())
    for phrase in (
        # negations ("cannot" and the "n't" contractions are counted apart)
        *("not", "no", "never", "neither", "nor", "none", "nothing", "nobody"),
        # limiters
        *("only", "just", "merely", "solely"),
        # hedges
        *("may", "might", "could", "possibly", "perhaps", "probably", "likely"),
        *("unlikely", "allegedly", "reportedly"),
        # approximations and bounds
        *("up to", "at least", "at most", "as many as", "as much as", "more than"),
        *("less than", "fewer than", "about", "nearly", "almost", "approximately", "roughly"),
    )
)
_SPELLED_NUMBERS = (
    *("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"),
    *("eleven", "twelve"),
)
_NUMBER_WORDS = {word: str(value) for value, word in enumerate(_SPELLED_NUMBERS)} | {
    word: word
    for word in (
        *("twice", "thrice", "half", "dozen", "hundred", "thousand", "million", "billion"),
        "trillion",
    )
}


def _words(text: str) -> list[str]:
    return _WORDS.findall(text)


def _qualifier_counts(words: list[str]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for index, word in enumerate(words):
        if word.endswith("n't"):
            counts["n't"] += 1
        elif word == "cannot":
            counts["not"] += 1
        for phrase in _QUALIFIERS:
            if tuple(words[index : index + len(phrase)]) == phrase:
                counts[" ".join(phrase)] += 1
    return counts


def _numbers(words: Iterable[str]) -> dict[str, list[str]]:
    """Each number's value (as a string) and how it is written, in order of appearance."""
    numbers: dict[str, list[str]] = {}
    for word in words:
        if word[0].isdigit():
            value = re.sub(r",(?=\d{3}(?!\d))", "", word)
        elif word in _NUMBER_WORDS:
            value = _NUMBER_WORDS[word]
        else:
            continue
        numbers.setdefault(value, []).append(word)
    return numbers


def _wording_flags(quoted: str, source: str) -> list[str]:
    quote_words, source_words = _words(quoted), _words(source)
    flags = []
    quote_counts = _qualifier_counts(quote_words)
    source_counts = _qualifier_counts(source_words)
    for phrase in (*source_counts, *quote_counts):
        if source_counts[phrase] > quote_counts[phrase]:
            flags.append(f"the source says '{phrase}' where the quote does not")
        elif quote_counts[phrase] > source_counts[phrase]:
            flags.append(f"the quote says '{phrase}' where the source does not")
    flags = list(dict.fromkeys(flags))

    quote_numbers, source_numbers = _numbers(quote_words), _numbers(source_words)
    only_quoted = _surplus(quote_numbers, source_numbers)
    only_in_source = _surplus(source_numbers, quote_numbers)
    if only_quoted or only_in_source:
        flags.append(
            f"numbers differ: quote {', '.join(only_quoted) or 'none'}, "
            f"source {', '.join(only_in_source) or 'none'}"
        )
    return flags


def _surplus(these: dict[str, list[str]], those: dict[str, list[str]]) -> list[str]:
    """How the numbers of ``these`` that ``those`` has fewer of are written."""
    return [
        spelling
        for value, spellings in these.items()
        for spelling in spellings[len(those.get(value, [])) :]
    ]


_SENTENCE_END = re.compile(r"[.!?](?:\s|$)")


def _omission_flags(omitted: str) -> list[str]:
    # Leaving out a whole sentence is ordinary; leaving out words inside one can
    # drop exactly the "not" or "may" that carried its meaning.
    if _SENTENCE_END.search(omitted):
        return []
    return [
        f"the words left out at an ellipsis include '{phrase}'"
        for phrase in _qualifier_counts(_words(omitted))
    ]


def _order_flags(parts: list[str], text: str) -> list[str]:
    if len(parts) > 1 and all(_find_exact(part, text, 0) for part in parts):
        return ["every part of the quote is in the source, but not in the quoted order"]
    return []
