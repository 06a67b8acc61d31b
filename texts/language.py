"""Which language a text is written in, as a BCP-47 primary language tag ("en", "de")."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

# Enough text to tell languages apart, little enough to stay quick on a long article.
SAMPLE_CHARS = 5_000
MIN_CHARS = 20
MIN_PROBABILITY = 0.8

# A language, optionally a script, region or variant: "en", "pt-BR", "zh-Hant-TW".
_BCP47 = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})*$", re.IGNORECASE)
LANGUAGE_RULE = 'Give a BCP-47 language tag such as "en", "de" or "pt-BR".'


@cache
def _identifier() -> Any:
    # Loaded once per process (about a second), with probabilities that sum to 1.
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> str:
    """The text's language, or "" when it is too short or the guess is not confident."""
    sample = text[:SAMPLE_CHARS].strip()
    if len(sample) < MIN_CHARS:
        return ""
    language, probability = _identifier().classify(sample)
    return str(language) if probability >= MIN_PROBABILITY else ""


def normalize_language_tag(tag: str) -> str:
    """``tag`` in its usual case ("pt-br" -> "pt-BR"), or ValueError if it is no tag."""
    tag = tag.strip().replace("_", "-")
    if not tag:
        return ""
    if not _BCP47.match(tag):
        raise ValueError(LANGUAGE_RULE)
    first, *rest = tag.split("-")
    parts = [first.lower()]
    for part in rest:
        if len(part) == 2:
            parts.append(part.upper())  # a region
        elif len(part) == 4:
            parts.append(part.title())  # a script
        else:
            parts.append(part.lower())
    return "-".join(parts)
