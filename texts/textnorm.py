"""What text from a person (or a fetched page) may carry, and when it counts as empty.

Plain Python, no Django: the services, the fetcher and the quote matcher share it.

- ``is_blank``: nothing is left once whitespace, control and format characters
  and the other invisible ones are removed. A rationale of zero-width spaces
  says nothing, however many there are.
- ``clean_line`` for single-line fields (titles, bylines): every whitespace run
  becomes one space; control characters and the bidirectional controls and
  marks that can reorder what a reader sees are dropped.
- ``clean_text`` for multi-line fields (rationales, comments, excerpts): lines
  and tabs stay, and only the dangerous characters go: controls other than tab
  and newline, and the bidirectional embeddings, overrides and isolates
  ("Trojan Source"). Joiners, marks and variation selectors stay: scripts and
  emoji need them.

Both trim whitespace and stray zero-width characters from the ends, and return ""
for blank text, so a required field refuses it as empty.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Iterator

# C0 and C1 controls and DEL; \t and \n are whitespace a multi-line text keeps.
_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f"
# Embeddings and overrides (U+202A-U+202E), isolates (U+2066-U+2069).
_BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"
# Left-to-right, right-to-left and Arabic letter marks: invisible, they flip how
# neighbouring characters are shown, which a one-line title never needs.
_BIDI_MARKS = "\u200e\u200f\u061c"

_DANGEROUS_IN_TEXT = re.compile(f"[{_CONTROLS}{_BIDI_CONTROLS}]+")
# Whitespace controls (\t, \n, \x0b, \x1c-\x1f, \x85) are not in the class: they
# separate words, so they become spaces below instead of gluing words together.
_DANGEROUS_IN_LINE = re.compile(
    f"[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f{_BIDI_CONTROLS}{_BIDI_MARKS}]+"
)

# Default-ignorable code points (Unicode's DerivedCoreProperties) that are not
# format characters, and the Braille blank: they draw nothing either.
_INVISIBLE_EXTRA = re.compile(
    "[\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u2800\u3164"
    "\ufe00-\ufe0f\uffa0\U000e0100-\U000e01ef]"
)


# Format characters that mean nothing before the first or after the last word. Not
# the tag characters or variation selectors that end a flag or an emoji.
_EDGE_FORMATS = frozenset("\u00ad\u061c\u180e\u200b\u200c\u200d\u200e\u200f\u2060\ufeff")


def _trim(text: str) -> str:
    """``text`` without whitespace, controls and stray format characters at either end."""
    start, end = 0, len(text)
    while start < end and _is_edge(text[start]):
        start += 1
    while end > start and _is_edge(text[end - 1]):
        end -= 1
    return text[start:end]


def _is_edge(char: str) -> bool:
    return char.isspace() or char in _EDGE_FORMATS or unicodedata.category(char) == "Cc"


def is_invisible(char: str) -> bool:
    """Whitespace, a control or format character, or another character that draws nothing."""
    return (
        char.isspace()
        or unicodedata.category(char) in {"Cc", "Cf"}
        or _INVISIBLE_EXTRA.match(char) is not None
    )


def is_blank(text: str) -> bool:
    # Stops at the first visible character: cheap on long texts.
    return all(is_invisible(char) for char in text)


def clean_text(text: str) -> str:
    """Multi-line text as stored: newlines unified, dangerous controls dropped, ends trimmed;
    "" when it is blank."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _trim(_DANGEROUS_IN_TEXT.sub("", text))
    return "" if is_blank(text) else text


def clean_line(text: str) -> str:
    """A single-line field as stored: one space between words, no controls or bidi
    characters; "" when it is blank."""
    text = _trim(" ".join(_DANGEROUS_IN_LINE.sub("", text).split()))
    return "" if is_blank(text) else text


# -- Unicode normalisation ----------------------------------------------------------


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def canonical_forms(text: str) -> list[str]:
    """``text``, then its composed (NFC) and decomposed (NFD) forms where they differ:
    the same words, encoded as another keyboard or system would have."""
    forms = [text]
    for other in (unicodedata.normalize("NFC", text), unicodedata.normalize("NFD", text)):
        if other not in forms:
            forms.append(other)
    return forms


def _mark_ranges() -> Iterator[tuple[int, int]]:
    # Every combining mark is below U+20000 but for the variation selectors supplement.
    start = None
    for code in [*range(0x20000), *range(0xE0100, 0xE01F0), sys.maxunicode + 1]:
        is_mark = code <= sys.maxunicode and unicodedata.category(chr(code)).startswith("M")
        if is_mark and start is None:
            start = code
        elif not is_mark and start is not None:
            yield start, code - 1
            start = None


# A regular-expression class (without brackets) of the combining marks: accents,
# vowel signs and other characters that belong to the letter before them.
MARKS = "".join(
    re.escape(chr(low)) + ("-" + re.escape(chr(high)) if high > low else "")
    for low, high in _mark_ranges()
)


def is_mark(char: str) -> bool:
    return unicodedata.category(char).startswith("M")
