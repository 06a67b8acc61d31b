"""Whether a page's main text was edited between two fetches, and what changed, word by word.

Pages change all the time without anyone editing what they say: a "last updated" line,
a view counter, a date. Those are not edits. The texts are compared line by line after
their whitespace and quote marks are normalised; a short line whose only change is in
its numbers, dates or time words ("Updated 5 minutes ago" -> "Updated 2 hours ago") is
routine and ignored. What is left is compared word by word: an edit is a change of at
least ``min_words`` words, or any changed number in running text (a figure corrected).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher

# A diff is a list of [op, text] pairs: "=" kept, "-" removed, "+" added, and a last
# ["…", ""] when the diff was cut at its size limit. Kept runs are shortened to their
# first and last words around the changes.
KEPT, REMOVED, ADDED, CUT = "=", "-", "+", "…"
CONTEXT_WORDS = 8
MAX_DIFF_CHARS = 20_000
# Lines this short or shorter whose only change is in numbers and dates are routine.
ROUTINE_LINE_WORDS = 12
# Blocks of changed lines larger than this (old words times new words) are not matched
# word by word, which costs about that much.
MAX_WORD_PAIRS = 25_000_000

_QUOTES = str.maketrans("\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u00a0", "''''\"\"\"\" ")
_NUMBER = re.compile(r"\d+(?:[.,:/-]\d+)*(?:st|nd|rd|th|k|m|%)?", re.IGNORECASE)
_DATE_WORDS = re.compile(
    r"\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|"
    r"mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:rs(?:day)?)?|fri(?:day)?|"
    r"sat(?:urday)?|sun(?:day)?|today|yesterday|am|pm|utc|gmt|"
    r"seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class TextComparison:
    diff: list[list[str]] = field(default_factory=list)
    words_changed: int = 0
    numbers_changed: bool = False  # a number in running text was changed, added or removed

    def is_edit(self, *, min_words: int) -> bool:
        return self.numbers_changed or (self.words_changed > 0 and self.words_changed >= min_words)


def normalised_lines(text: str) -> list[str]:
    """The text's non-empty lines, with whitespace collapsed and quote marks made straight."""
    text = unicodedata.normalize("NFC", text).translate(_QUOTES)
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def is_routine_change(old: str, new: str) -> bool:
    """A short line whose numbers, dates or time words alone changed (a counter, a date)."""
    if max(len(old.split()), len(new.split())) > ROUTINE_LINE_WORDS:
        return False
    return _masked(old) == _masked(new)


def _masked(line: str) -> list[str]:
    """The line's words other than numbers, dates and time words, without punctuation."""
    return re.findall(r"[^\W\d_]+", _DATE_WORDS.sub(" ", _NUMBER.sub(" ", line.lower())))


def compare_texts(
    old: str, new: str, *, context_words: int = CONTEXT_WORDS, max_chars: int = MAX_DIFF_CHARS
) -> TextComparison:
    """How ``new`` differs from ``old``: the word diff and what the change amounts to."""
    old_lines, new_lines = normalised_lines(old), normalised_lines(new)
    diff = _Diff(context_words=context_words, max_chars=max_chars)
    changed = _Changes()
    lines = SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in lines.get_opcodes():
        before, after = old_lines[i1:i2], new_lines[j1:j2]
        if tag == "equal":
            diff.keep(_words(after))
        elif tag == "replace" and len(before) == len(after):  # lines edited in place
            for old_line, new_line in zip(before, after, strict=True):
                if is_routine_change(old_line, new_line):
                    diff.keep(_words([new_line]))
                else:
                    changed.compare(_words([old_line]), _words([new_line]), diff)
        else:
            changed.compare(_words(before), _words(after), diff)
    if changed.words == 0:
        return TextComparison()
    return TextComparison(diff.finish(), changed.words, changed.numbers)


class _Changes:
    """What the word-level changes amount to."""

    def __init__(self) -> None:
        self.words = 0
        self.numbers = False

    def compare(self, old_words: list[str], new_words: list[str], diff: _Diff) -> None:
        if len(old_words) * len(new_words) > MAX_WORD_PAIRS:
            # Rewritten wholesale (a page replaced by another): matching word by word
            # would cost more than it could show.
            opcodes: Sequence[tuple[str, int, int, int, int]] = [
                ("replace", 0, len(old_words), 0, len(new_words))
            ]
        else:
            opcodes = SequenceMatcher(None, old_words, new_words, autojunk=False).get_opcodes()
        for op, w1, w2, v1, v2 in opcodes:
            if op == "equal":
                diff.keep(new_words[v1:v2])
                continue
            removed, added = old_words[w1:w2], new_words[v1:v2]
            self.words += max(len(removed), len(added))
            self.numbers = self.numbers or any(_NUMBER.search(w) for w in (*removed, *added))
            diff.change(removed, added)


def _words(lines: list[str]) -> list[str]:
    return [word for line in lines for word in line.split(" ")]


class _Diff:
    """Builds the bounded list of ops: kept runs shortened, cut at ``max_chars``."""

    def __init__(self, *, context_words: int, max_chars: int) -> None:
        self.context, self.max_chars = context_words, max_chars
        self.ops: list[list[str]] = []
        self.kept: list[str] = []
        self.size = 0
        self.cut = False

    def keep(self, words: list[str]) -> None:
        self.kept.extend(words)

    def change(self, removed: list[str], added: list[str]) -> None:
        self._flush_kept(last=False)
        if removed:
            self._add(REMOVED, " ".join(removed))
        if added:
            self._add(ADDED, " ".join(added))

    def finish(self) -> list[list[str]]:
        self._flush_kept(last=True)
        if self.cut:
            self.ops.append([CUT, ""])
        return self.ops

    def _flush_kept(self, *, last: bool) -> None:
        words, self.kept = self.kept, []
        if not words:
            return
        first = not self.ops
        n = self.context
        if first and not last:  # before the first change: its end only
            text = ("… " if len(words) > n else "") + " ".join(words[-n:])
        elif last and not first:  # after the last change: its start only
            text = " ".join(words[:n]) + (" …" if len(words) > n else "")
        elif len(words) > 2 * n:
            text = " ".join(words[:n]) + " … " + " ".join(words[-n:])
        else:
            text = " ".join(words)
        self._add(KEPT, text)

    def _add(self, op: str, text: str) -> None:
        if self.cut:
            return
        room = self.max_chars - self.size
        if len(text) > room:
            # What fits of it, to a whole word: a long removal still shows how it began.
            text = text[:room].rsplit(" ", 1)[0] if " " in text[:room] else ""
            self.cut = True
            if not text:
                return
        self.size += len(text)
        self.ops.append([op, text])
