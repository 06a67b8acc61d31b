"""Trigram similarity as PostgreSQL's pg_trgm computes it, for databases without it."""

from __future__ import annotations

import re

_WORD = re.compile(r"[^\W_]+")


def trigrams(text: str) -> set[str]:
    grams: set[str] = set()
    for word in _WORD.findall(text.lower()):
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


def similarity(a: str, b: str) -> float:
    """Shared trigrams over all trigrams of both, 0..1 (pg_trgm's ``similarity``)."""
    return overlap(trigrams(a), trigrams(b))


def overlap(left: set[str], right: set[str]) -> float:
    if not left or not right:
        return 0.0
    return len(left & right) / len(left | right)
