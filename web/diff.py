"""A word diff of a quote against the source's wording, for showing them side by side."""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from rapidfuzz import fuzz

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


@dataclass(frozen=True, slots=True)
class Block:
    """A paragraph of the comparison of two versions of a text."""

    kind: str  # "same", "removed", "added", "changed"
    old: list[Piece]
    new: list[Piece]


_PARAGRAPHS = re.compile(r"\n\s*\n")


def text_diff(old: str, new: str) -> list[Block]:
    """Two versions of a text paragraph by paragraph: kept, removed, added, or changed
    (with the words that changed marked on both sides)."""
    left, right = _PARAGRAPHS.split(old.strip()), _PARAGRAPHS.split(new.strip())
    keys = [" ".join(p.split()) for p in left], [" ".join(p.split()) for p in right]
    blocks: list[Block] = []
    matcher = SequenceMatcher(None, keys[0], keys[1], False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            blocks += [
                Block("same", [Piece(a, False)], [Piece(b, False)])
                for a, b in zip(left[i1:i2], right[j1:j2], strict=True)
            ]
            continue
        blocks += _paired(left[i1:i2], right[j1:j2])
    return blocks


def _paired(olds: list[str], news: list[str]) -> list[Block]:
    """A run of paragraphs that differ: each old one against the most alike new one after
    the last paired (half alike at least), the others removed or added."""
    blocks: list[Block] = []
    taken = 0
    for before in olds:
        ratios = [(fuzz.ratio(before, after), j) for j, after in enumerate(news) if j >= taken]
        best = max(ratios, default=(0.0, -1))
        if best[0] < 50:
            blocks.append(Block("removed", [Piece(before, True)], []))
            continue
        index = best[1]
        blocks += [Block("added", [], [Piece(after, True)]) for after in news[taken:index]]
        old_pieces, new_pieces = word_diff(before, news[index])
        blocks.append(Block("changed", old_pieces, new_pieces))
        taken = index + 1
    blocks += [Block("added", [], [Piece(after, True)]) for after in news[taken:]]
    return blocks


def marked_html(pieces: list[Piece]) -> SafeString:
    """A side of a diff as escaped HTML with its changed words marked."""
    return mark_safe(  # every piece is escaped
        "".join(
            f'<mark class="diff">{escape(piece.text)}</mark>'
            if piece.changed
            else escape(piece.text)
            for piece in pieces
        )
    )
