"""How closely two claims say the same thing: the score that the search, the stored
matches and the page all use."""

from __future__ import annotations

from typing import Any

import numpy as np
from django.conf import settings
from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection
from django.db.models import F, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf

from claims.models import Claim
from claims.statuses import ClaimStatus
from memory import lexical
from memory.index import get_index

# score = SEMANTIC_WEIGHT * cosine of the embeddings + LEXICAL_WEIGHT * trigram similarity.
# The meaning carries the match (a paraphrase shares few trigrams); the shared words
# break ties between paraphrases and lift near-copies.
SEMANTIC_WEIGHT = 0.8
LEXICAL_WEIGHT = 0.2
# Scores this close count as equal, and a published fact-check goes first among them.
NEAR_EQUAL = 0.02
# Nearest vectors fetched for each claim shown: room for the ones the reader may not see.
CANDIDATES_PER_RESULT = 10
# The most matches shown, and stored, for a claim.
MAX_MATCHES = 10


def claim_text(claim: Claim) -> str:
    """What a claim says: its summary if it has one, else its quote."""
    return (claim.summary or "").strip() or claim.quote.strip()


def _text_expression() -> Any:
    return Coalesce(NullIf(F("summary"), Value("")), F("quote"))


def is_published(claim: Claim) -> bool:
    return claim.status == ClaimStatus.PUBLISHED and hasattr(claim, "publication")


def rank(pair: tuple[Claim, float]) -> tuple[int, bool, float]:
    """Best first; among near-equal scores, published fact-checks first."""
    match, score = pair
    return (-round(score / NEAR_EQUAL), not is_published(match), -score)


def score_matches(
    claim: Claim, vector: np.ndarray, candidates: QuerySet[Claim], limit: int
) -> list[tuple[Claim, float]]:
    """Claims among ``candidates`` of other articles that say what ``claim`` says (whose
    vector is ``vector``), with a score 0..1 above ``SIMILAR_CLAIMS_THRESHOLD``, best first."""
    if limit <= 0:
        return []
    text = claim_text(claim)
    nearest = get_index().search(
        vector, exclude_article_id=claim.article_id, limit=limit * CANDIDATES_PER_RESULT
    )
    # Below this cosine not even identical wording would reach the threshold.
    floor = (settings.SIMILAR_CLAIMS_THRESHOLD - LEXICAL_WEIGHT) / SEMANTIC_WEIGHT
    cosines = {pk: cosine for pk, cosine in nearest if cosine >= floor}
    if not cosines:
        return []
    candidates = candidates.filter(pk__in=cosines).exclude(article_id=claim.article_id)
    if connection.vendor == "postgresql":
        candidates = candidates.annotate(lexical=TrigramSimilarity(_text_expression(), text))
    grams = lexical.trigrams(text)
    scored = []
    for candidate in candidates:
        words = getattr(candidate, "lexical", None)  # pg_trgm's, on PostgreSQL
        if words is None:
            words = lexical.overlap(grams, lexical.trigrams(claim_text(candidate)))
        score = SEMANTIC_WEIGHT * max(0.0, cosines[candidate.pk]) + LEXICAL_WEIGHT * words
        if score >= settings.SIMILAR_CLAIMS_THRESHOLD:
            scored.append((candidate, min(1.0, score)))
    scored.sort(key=rank)
    return scored[:limit]
