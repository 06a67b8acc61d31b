"""Paragraphs of an article's plain text, and the passage a claim stands in.

A paragraph is a run of text between blank lines, and a blank line is one with
nothing but whitespace on it: plain-text imports keep spaces, tabs or ``\\r`` on
their empty lines as written, and they separate paragraphs all the same. The
whitespace around a blank line belongs to the gap, not to either paragraph.
"""

from __future__ import annotations

import re

# Starts at a newline so that a long run of spaces costs one pass, not a backtrack each.
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n\s*")


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph of ``text``, in order."""
    spans = []
    position = 0
    for gap in _BLANK_LINE.finditer(text):
        end = gap.start()
        while end > position and text[end - 1].isspace():
            end -= 1
        if end > position:
            spans.append((position, end))
        position = gap.end()
    if text[position:].strip():
        spans.append((position, len(text)))
    return spans


def passage_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The paragraphs that the span ``start``..``end`` touches, as one span that holds it:
    from the start of the paragraph it begins in to the end of the one it ends in."""
    touched = [(s, e) for s, e in paragraph_spans(text) if s < end and e > start]
    if not touched:
        return start, end
    return min(start, touched[0][0]), max(end, touched[-1][1])
