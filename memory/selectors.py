"""Claims of other articles that say what this one says: "checked before?"."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection
from django.db.models import F, Value
from django.db.models.functions import Coalesce, NullIf

from claims.models import Claim
from claims.statuses import ClaimStatus
from memory import lexical
from memory.embeddings import get_embedder, text_sha256
from memory.index import get_index
from memory.models import ClaimVector
from memory.services import claim_text

# score = SEMANTIC_WEIGHT * cosine of the embeddings + LEXICAL_WEIGHT * trigram similarity.
# The meaning carries the match (a paraphrase shares few trigrams); the shared words
# break ties between paraphrases and lift near-copies.
SEMANTIC_WEIGHT = 0.8
LEXICAL_WEIGHT = 0.2
# Scores this close count as equal, and a published fact-check goes first among them.
NEAR_EQUAL = 0.02
# What the API and the page show of a match: not the article's text.
SHOWN_FIELDS = (
    "number",
    "status",
    "summary",
    "quote",
    "article__id",
    "article__title",
    "publication__id",
    "publication__verdict",
)
# Nearest vectors fetched for each claim shown: room for the ones the reader may not see.
CANDIDATES_PER_RESULT = 10


logger = logging.getLogger(__name__)


def claim_vector(claim: Claim) -> np.ndarray:
    """The stored vector of the claim's current text, else one computed now (not stored)."""
    text = claim_text(claim)
    stored = ClaimVector.objects.filter(claim=claim, text_sha256=text_sha256(text)).first()
    if stored is not None:
        return stored.as_array()
    return get_embedder().embed([text])[0]


def _text_expression() -> Any:
    return Coalesce(NullIf(F("summary"), Value("")), F("quote"))


def is_published(claim: Claim) -> bool:
    return claim.status == ClaimStatus.PUBLISHED and hasattr(claim, "publication")


def _rank(pair: tuple[Claim, float]) -> tuple[int, bool, float]:
    match, score = pair
    return (-round(score / NEAR_EQUAL), not is_published(match), -score)


def similar_claims(claim: Claim, limit: int = 10, *, user: Any = None) -> list[tuple[Claim, float]]:
    """Claims of other articles ``user`` may read that say what ``claim`` says, with a
    score 0..1, best first, above ``SIMILAR_CLAIMS_THRESHOLD``; at most ``limit``."""
    limit = max(0, min(limit, 10))
    if limit == 0:
        return []
    user = user if user is not None else AnonymousUser()
    text = claim_text(claim)
    nearest = get_index().search(
        claim_vector(claim),
        exclude_article_id=claim.article_id,
        limit=limit * CANDIDATES_PER_RESULT,
    )
    # Below this cosine not even identical wording would reach the threshold.
    floor = (settings.SIMILAR_CLAIMS_THRESHOLD - LEXICAL_WEIGHT) / SEMANTIC_WEIGHT
    cosines = {pk: cosine for pk, cosine in nearest if cosine >= floor}
    if not cosines:
        return []
    candidates = (
        Claim.objects.visible_to(user)
        .filter(pk__in=cosines)
        .exclude(article_id=claim.article_id)
        .select_related("article", "publication")
        .only(*SHOWN_FIELDS)
    )
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
    scored.sort(key=_rank)
    return scored[:limit]


@dataclass(frozen=True)
class SimilarClaim:
    claim: Claim
    score: float
    verdict: str | None  # the published verdict
    published: bool


def similar_claim_rows(claim: Claim, *, user: Any, limit: int = 10) -> list[SimilarClaim]:
    """``similar_claims`` with each match's published verdict, as the API and page show."""
    rows = []
    for match, score in similar_claims(claim, limit, user=user):
        published = is_published(match)
        verdict = match.publication.verdict if published else None
        rows.append(SimilarClaim(claim=match, score=score, verdict=verdict, published=published))
    return rows


def checked_before(claim: Claim, *, user: Any) -> list[SimilarClaim] | None:
    """``similar_claim_rows`` for the claim page, or None when the model cannot be used
    (its files missing, ``DATA_DIR`` not writable): the page then says so and works on."""
    try:
        return similar_claim_rows(claim, user=user)
    except (OSError, RuntimeError, ValueError):
        logger.exception("similar claims of claim %s could not be looked up", claim.pk)
        return None
