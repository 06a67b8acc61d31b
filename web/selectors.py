"""Reads of the web UI's pages, built on ``claims.selectors`` and ``editorial.selectors``.

Each page reads a fixed number of queries whatever the article's size: counts are
subqueries, one-to-one rows are joined, lists are prefetched in one query each.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Substr

from accounts.models import Role, User
from claims.models import (
    Article,
    Claim,
    ClaimQuerySet,
    ClaimStatus,
    Evidence,
    QuoteCheck,
    Rating,
    Source,
    SourceStatus,
)
from claims.selectors import (
    ARTICLE_TEXT_FIELDS,
    article_list_with_counts,
    claim_list_with_counts,
    count_subquery,
    latest_snapshot_value,
)
from editorial.models import Assignment
from editorial.selectors import claim_queue, verdict_q

EXCERPT_CHARS = 600
IN_FLIGHT = (SourceStatus.PENDING, SourceStatus.FETCHING)
OPEN_STATUSES = (ClaimStatus.OPEN, ClaimStatus.IN_REVIEW)


# --- Dashboard -------------------------------------------------------------------


def dashboard_articles() -> QuerySet[Article]:
    """Articles with the figures of ``article_list_with_counts`` and ``claims_rated``
    (claims with at least one rating) and ``claims_published``."""
    rated = Claim.objects.filter(Exists(Rating.objects.filter(claim=OuterRef("pk"))))
    return article_list_with_counts().annotate(
        claims_rated=count_subquery(rated, outer="article"),
        claims_published=count_subquery(
            Claim.objects.filter(status=ClaimStatus.PUBLISHED), outer="article"
        ),
    )


def claims_with_verdicts() -> ClaimQuerySet:
    """Claims with their counts, consensus and publication (for their colour)."""
    return claim_list_with_counts().select_related("consensus", "publication")


def my_queue(user: Any) -> QuerySet[Claim]:
    """Claims assigned to ``user`` that they have not rated, oldest first."""
    return claim_queue(reviewer=user, claims=claims_with_verdicts()).order_by("created_at", "id")


def awaiting_my_rating(user: Any) -> QuerySet[Claim]:
    """Claims under review that ``user`` has not rated, oldest first."""
    return (
        claims_with_verdicts()
        .unrated_by(user)
        .filter(status__in=OPEN_STATUSES)
        .order_by("created_at", "id")
    )


@dataclass(frozen=True, slots=True)
class Activity:
    when: datetime
    who: Any
    verb: str
    claim: Claim
    verdict: str = ""


def recent_activity(limit: int = 8) -> list[Activity]:
    """The latest claims, evidence and ratings, newest first (three queries)."""
    texts = [f"claim__article__{name}" for name in ARTICLE_TEXT_FIELDS]
    claims = (
        Claim.objects.select_related("article", "created_by")
        .defer(*(f"article__{name}" for name in ARTICLE_TEXT_FIELDS))
        .order_by("-created_at", "-id")[:limit]
    )
    evidence = (
        Evidence.objects.select_related("claim__article", "author")
        .defer(*texts)
        .order_by("-created_at", "-id")[:limit]
    )
    ratings = (
        Rating.objects.select_related("claim__article", "reviewer")
        .defer(*texts)
        .order_by("-updated_at", "-id")[:limit]
    )
    items = [Activity(c.created_at, c.created_by, "marked a claim", c) for c in claims]
    items += [
        Activity(e.created_at, e.author, f"added evidence ({e.get_stance_display()})", e.claim)
        for e in evidence
    ]
    items += [Activity(r.updated_at, r.reviewer, "rated", r.claim, r.verdict) for r in ratings]
    items.sort(key=lambda item: item.when, reverse=True)
    return items[:limit]


# --- The article reader ------------------------------------------------------------


def article_sources(article: Article) -> QuerySet[Source]:
    """The article's sources in order, each with its latest snapshot's title."""
    return Source.objects.filter(article=article).annotate(
        snapshot_title=latest_snapshot_value("title")
    )


def article_claims(article: Article, user: Any) -> QuerySet[Claim]:
    """The article's claims in reading order, with ``evidence_count``, ``ratings_count``,
    ``rated_by_me``, consensus and publication (not their article: the caller has it)."""
    claims = (
        Claim.objects.filter(article=article)
        .select_related("consensus", "publication")
        .defer("prefix", "suffix")
        .annotate(
            evidence_count=count_subquery(Evidence.objects.all(), outer="claim"),
            ratings_count=count_subquery(Rating.objects.all(), outer="claim"),
        )
        .order_by("start", "end", "id")
    )
    return claims.with_rated_by_me(user)


def sources_in_flight(sources: list[Source]) -> bool:
    return any(source.status in IN_FLIGHT for source in sources)


# --- The claim page -----------------------------------------------------------------


def claim_for_page(claim_id: int) -> Claim | None:
    return (
        claims_with_verdicts()
        .select_related("article", "claimant")
        .prefetch_related("appearances")
        .defer(None)  # the page shows the claim in its paragraph: it needs the text
        .filter(pk=claim_id)
        .first()
    )


def claim_sources(claim: Claim) -> list[Source]:
    """The sources the claim relies on, each with its latest snapshot and quote check."""
    sources: list[Source] = list(
        claim.sources.order_by("position").annotate(
            snapshot_title=latest_snapshot_value("title"),
            snapshot_url=latest_snapshot_value("final_url"),
            snapshot_status=latest_snapshot_value("http_status"),
            snapshot_at=latest_snapshot_value("fetched_at"),
            snapshot_excerpt=latest_snapshot_value(Substr("text", 1, EXCERPT_CHARS)),
        )
    )
    checks = {check.source_id: check for check in QuoteCheck.objects.filter(claim=claim)}
    for source in sources:
        source.quote_check = checks.get(source.pk)  # type: ignore[attr-defined]
    return sources


def claim_evidence(claim: Claim) -> list[Evidence]:
    evidence: list[Evidence] = list(
        Evidence.objects.filter(claim=claim)
        .select_related("author")
        .annotate(snapshot_title=latest_snapshot_value("title", owner="evidence"))
    )
    checks = {
        check.evidence_id: check for check in QuoteCheck.objects.filter(evidence__claim=claim)
    }
    for item in evidence:
        item.quote_check = checks.get(item.pk)  # type: ignore[attr-defined]
    return evidence


def claim_ratings(claim: Claim) -> QuerySet[Rating]:
    return Rating.objects.filter(claim=claim).select_related("reviewer").order_by("created_at")


# --- Searching claims ---------------------------------------------------------------


def search_claims(
    *,
    user: Any,
    text: str = "",
    verdict: str = "",
    status: str = "",
    kind: str = "",
    article_id: int | None = None,
    assigned_to_me: bool = False,
    assigned_to: Any = None,
    unrated_by_me: bool = False,
) -> QuerySet[Claim]:
    claims = claims_with_verdicts().with_rated_by_me(user)
    for word in text.split()[:10]:
        claims = claims.filter(Q(quote__icontains=word) | Q(article__title__icontains=word))
    if verdict:
        claims = claims.filter(verdict_q(verdict))
    if status:
        claims = claims.filter(status=status)
    if kind:
        claims = claims.filter(kind=kind)
    if article_id is not None:
        claims = claims.filter(article_id=article_id)
    if assigned_to_me:
        claims = claims.filter(
            Exists(Assignment.objects.filter(claim=OuterRef("pk"), reviewer=user))
        )
    if assigned_to is not None:
        claims = claims.filter(
            Exists(Assignment.objects.filter(claim=OuterRef("pk"), reviewer=assigned_to))
        )
    if unrated_by_me:
        claims = claims.unrated_by(user)
    return claims.order_by("-created_at", "-id")


# --- Editorial ------------------------------------------------------------------------


def eligible_reviewers() -> QuerySet[User]:
    """Active reviewers and editors (and admins), who may be asked to rate a claim."""
    return (
        User.objects.filter(is_active=True)
        .filter(Q(groups__name__in=Role.values) | Q(is_staff=True))
        .distinct()
        .order_by("username")
    )
