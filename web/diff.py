"""A word diff of a quote against the source's wording, for showing them side by side."""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

_TOKENS = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True, slots=True)
class Piece:
    text: str
    changed: bool


def _tokens(text: str) -> list[str]:
    return _TOKENS.findall(text)


def _key(token: str) -> str:
    """Compare words regardless of case, curly quotes and trailing punctuation."""
    if token.isspace():
        return " "
    token = token.lower().translate(str.maketrans("\u2018\u2019\u201c\u201d", "''\"\""))
    return token.strip(".,;:!?\"'()[]") or token


def word_diff(quote: str, source: str) -> tuple[list[Piece], list[Piece]]:
    """(quote pieces, source pieces): words that only one side has are ``changed``."""
    left, right = _tokens(quote), _tokens(source)
    matcher = SequenceMatcher(None, [_key(t) for t in left], [_key(t) for t in right], False)
    quote_pieces: list[Piece] = []
    source_pieces: list[Piece] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        changed = tag != "equal"
        quote_pieces.extend(_pieces(left[i1:i2], changed))
        source_pieces.extend(_pieces(right[j1:j2], changed))
    return _merge(quote_pieces), _merge(source_pieces)


def _pieces(tokens: list[str], changed: bool) -> list[Piece]:
    # Whitespace is never marked: a changed word stands out better alone.
    return [Piece(token, changed and not token.isspace()) for token in tokens]


def _merge(pieces: list[Piece]) -> list[Piece]:
    """Join neighbours with the same state (a space between two changed words joins them)."""
    merged: list[Piece] = []
    for index, piece in enumerate(pieces):
        changed = piece.changed
        if piece.text.isspace() and merged and merged[-1].changed:
            following = pieces[index + 1] if index + 1 < len(pieces) else None
            changed = following is not None and following.changed
        if merged and merged[-1].changed == changed:
            merged[-1] = Piece(merged[-1].text + piece.text, changed)
        else:
            merged.append(Piece(piece.text, changed))
    return merged
