"""Claims of other articles that say what this one says: "checked before?".

The job stores each claim's best matches (``ClaimMatch``, ``memory.services``): pages
read those rows in one query. A claim whose current text has no stored matches yet
(just marked, its summary just changed, a worker that is down) is matched on the fly.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.contrib.auth.models import AnonymousUser

from claims.models import Article, Claim, visible_claim_q
from claims.statuses import ClaimStatus
from memory.embeddings import get_embedder, text_sha256
from memory.models import ClaimMatch, ClaimVector
from memory.scoring import (
    MAX_MATCHES,
    claim_text,
    is_published,
    rank,
    score_matches,
)

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


logger = logging.getLogger(__name__)


def claim_vector(claim: Claim) -> np.ndarray:
    """The stored vector of the claim's current text, else one computed now (not stored)."""
    text = claim_text(claim)
    stored = ClaimVector.objects.filter(claim=claim, text_sha256=text_sha256(text)).first()
    if stored is not None:
        return stored.as_array()
    return get_embedder().embed([text])[0]


def similar_claims(claim: Claim, limit: int = 10, *, user: Any = None) -> list[tuple[Claim, float]]:
    """Claims of other articles ``user`` may read that say what ``claim`` says, with a
    score 0..1, best first, above ``SIMILAR_CLAIMS_THRESHOLD``; at most ``limit``.
    Searched now (see ``stored_matches`` for what the job stored)."""
    limit = max(0, min(limit, MAX_MATCHES))
    if limit == 0:
        return []
    user = user if user is not None else AnonymousUser()
    candidates = (
        Claim.objects.visible_to(user).select_related("article", "publication").only(*SHOWN_FIELDS)
    )
    return score_matches(claim, claim_vector(claim), candidates, limit)


def stored_matches(claim: Claim, *, user: Any) -> list[tuple[Claim, float]] | None:
    """The matches the job stored for the claim's current text that ``user`` may read,
    best first; None if it has stored none for this text yet."""
    sha = text_sha256(claim_text(claim))
    rows = list(
        ClaimMatch.objects.filter(
            claim=claim, claim__vector__text_sha256=sha, claim__vector__matched_at__isnull=False
        )
        .filter(visible_claim_q(user, prefix="other__"))
        .select_related("other__article", "other__publication")
        .only("score", "claim_id", "other_id", *(f"other__{name}" for name in SHOWN_FIELDS))
    )
    if rows:
        return sorted(((row.other, row.score) for row in rows), key=rank)
    matched = ClaimVector.objects.filter(claim=claim, text_sha256=sha, matched_at__isnull=False)
    return [] if matched.exists() else None


@dataclass(frozen=True)
class SimilarClaim:
    claim: Claim
    score: float
    verdict: str | None  # the published verdict
    published: bool


def similar_claim_rows(claim: Claim, *, user: Any, limit: int = 10) -> list[SimilarClaim]:
    """The claim's matches with each one's published verdict, as the API and page show:
    the stored ones, else searched now."""
    user = user if user is not None else AnonymousUser()
    matches = stored_matches(claim, user=user)
    if matches is None:
        matches = similar_claims(claim, limit, user=user)
    rows = []
    for match, score in matches[: max(0, limit)]:
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


@dataclass(frozen=True)
class MatchName:
    number: int  # its number in its article
    article_title: str


@dataclass(frozen=True)
class CheckedBefore:
    """What the reader says of a claim checked before: how many matches, the best one,
    and the best published one with its verdict (if any match is published)."""

    matches: int
    best: MatchName
    verdict: str | None = None
    verdict_of: MatchName | None = None


def article_checked_before(article: Article, *, user: Any) -> dict[int, CheckedBefore]:
    """For each claim of ``article`` with stored matches ``user`` may read: their count,
    the best one and the best published one. One query."""
    rows = (
        ClaimMatch.objects.filter(claim__article=article)
        .filter(visible_claim_q(user, prefix="other__"))
        .order_by("claim_id", "-score", "other_id")
        .values_list(
            "claim_id",
            "other__number",
            "other__status",
            "other__article__title",
            "other__publication__verdict",
        )
    )
    counts: dict[int, int] = {}
    best: dict[int, MatchName] = {}
    published: dict[int, tuple[str, MatchName]] = {}
    for claim_id, number, status, title, verdict in rows:  # best first for each claim
        if claim_id in counts:
            counts[claim_id] += 1
        else:
            counts[claim_id] = 1
            best[claim_id] = MatchName(number, title)
        if verdict and status == ClaimStatus.PUBLISHED and claim_id not in published:
            published[claim_id] = (verdict, MatchName(number, title))
    return {
        claim_id: CheckedBefore(count, best[claim_id], *published.get(claim_id, (None, None)))
        for claim_id, count in counts.items()
    }
