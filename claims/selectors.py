"""Reads that the admin, the web UI and the API share.

Each list comes back with its figures annotated, so a page of any length costs
the same number of queries. Counts are correlated subqueries, one per figure:
several ``Count()`` over joins on one queryset would multiply each other's rows.
Lists defer an article's texts (up to megabytes each), which no list shows.
"""

from __future__ import annotations

from typing import Any

from django.db.models import (
    Count,
    Expression,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from claims.models import (
    Article,
    ArticleQuerySet,
    Claim,
    ClaimQuerySet,
    Evidence,
    Rating,
    Source,
    SourceSnapshot,
    SourceStatus,
    visible_claim_q,
)

ARTICLE_TEXT_FIELDS = ("source_text", "text", "structure")
BROKEN_SOURCE_STATUSES = (SourceStatus.FAILED, SourceStatus.DEAD, SourceStatus.BLOCKED)

ClaimSource = Claim.sources.through


def count_subquery(rows: QuerySet[Any], *, outer: str) -> Coalesce:
    """How many of ``rows`` point at the outer row through the relation ``outer``."""
    counted = (
        rows.filter(**{outer: OuterRef("pk")})
        .order_by()
        .values(outer)
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _without_article_texts(prefix: str) -> list[str]:
    return [f"{prefix}{name}" for name in ARTICLE_TEXT_FIELDS]


def article_list_with_counts(*, reader: Any = None) -> ArticleQuerySet:
    """Articles with ``sources_total``, ``sources_ok``, ``sources_needing_url``,
    ``sources_broken``, ``claims_count`` and ``ratings_count``; texts deferred.

    With a ``reader``, only the claims that this user may read (and their ratings) are
    counted: readers who are not reviewers may not know that unpublished ones exist.
    """
    sources = Source.objects.all()
    claims = Claim.objects.all()
    ratings = Rating.objects.all()
    if reader is not None:
        claims = claims.filter(visible_claim_q(reader))
        ratings = ratings.filter(visible_claim_q(reader, prefix="claim__"))
    return (
        Article.objects.defer(*ARTICLE_TEXT_FIELDS)
        .select_related("imported_by")
        .annotate(
            sources_total=count_subquery(sources, outer="article"),
            sources_ok=count_subquery(sources.filter(status=SourceStatus.OK), outer="article"),
            sources_needing_url=count_subquery(
                sources.filter(status=SourceStatus.NEEDS_URL), outer="article"
            ),
            sources_broken=count_subquery(
                sources.filter(status__in=BROKEN_SOURCE_STATUSES), outer="article"
            ),
            claims_count=count_subquery(claims, outer="article"),
            ratings_count=count_subquery(ratings, outer="claim__article"),
        )
    )


def source_list_with_counts() -> QuerySet[Source]:
    """Sources with their article, ``claims_count`` and ``snapshots_count``."""
    return (
        Source.objects.select_related("article")
        .defer(*_without_article_texts("article__"))
        .annotate(
            claims_count=count_subquery(ClaimSource.objects.all(), outer="source"),
            snapshots_count=count_subquery(SourceSnapshot.objects.all(), outer="source"),
        )
    )


# --- The latest snapshot of a source or evidence ------------------------------------


def snapshots_latest_first(**owner: Any) -> QuerySet[SourceSnapshot]:
    """The snapshots of one source or evidence (``source=`` or ``evidence=``, a row or an
    ``OuterRef``), the latest fetch first: the one ordering that says which is latest."""
    return SourceSnapshot.objects.filter(**owner).order_by("-fetched_at", "-id")


def latest_snapshot(**owner: Source | Evidence) -> SourceSnapshot | None:
    return snapshots_latest_first(**owner).first()


def latest_snapshot_value(value: str | Expression, *, owner: str = "source") -> Subquery:
    """A field (or an expression over the fields) of the latest snapshot of each row of a
    list of sources (``owner="evidence"``: of evidence), to annotate the list with."""
    latest = snapshots_latest_first(**{owner: OuterRef("pk")})
    values = latest.values(value) if isinstance(value, str) else latest.values(v=value)
    return Subquery(values[:1])


def archived_copy_value(*, owner: str = "source", outer: str = "pk") -> Subquery:
    """The latest public web archive's copy (``SourceSnapshot.archive_url``) of each row of
    a list of sources (``owner="evidence"``: of evidence; ``outer``: the field of the row
    that is its id): a capture of the page, or for a dead link the closest copy found."""
    latest = snapshots_latest_first(**{owner: OuterRef(outer)}).exclude(archive_url="")
    return Subquery(latest.values("archive_url")[:1])


def latest_snapshot_prefetch(
    snapshots: QuerySet[SourceSnapshot] | None = None, *, owner: str = "source"
) -> Prefetch:
    """Prefetch each listed row's latest snapshot (of ``snapshots``, to defer or annotate
    fields) into ``latest_snapshots``, a list of none or one: one query for the list."""
    snapshots = SourceSnapshot.objects.all() if snapshots is None else snapshots
    latest_id = snapshots_latest_first(**{owner: OuterRef(owner)}).values("id")[:1]
    return Prefetch(
        "snapshots", queryset=snapshots.filter(id=Subquery(latest_id)), to_attr="latest_snapshots"
    )


def snapshot_list() -> QuerySet[SourceSnapshot]:
    """Snapshots with the source or evidence fetched and its article, without the text."""
    return SourceSnapshot.objects.select_related(
        "source__article", "evidence__claim__article"
    ).defer(
        "text",
        *_without_article_texts("source__article__"),
        *_without_article_texts("evidence__claim__article__"),
    )


# Fields a history of snapshots lists: not the text, nor the headers.
HISTORY_DEFERRED = ("text", "request_headers", "response_headers")


def snapshot_history(**owner: Source | Evidence | None) -> QuerySet[SourceSnapshot]:
    """A source's or evidence's snapshots (``source=`` or ``evidence=``), newest first,
    without their texts: what its history of fetches lists."""
    return snapshots_latest_first(**owner).defer(*HISTORY_DEFERRED)


def claim_list_with_counts() -> ClaimQuerySet:
    """Claims with their article and author, their consensus and publication (one-to-one
    rows of ``editorial``; either may be missing), ``sources_count``, ``evidence_count``
    and ``ratings_count``."""
    return (
        Claim.objects.select_related("article", "created_by", "consensus", "publication")
        .defer(*_without_article_texts("article__"))
        .annotate(
            sources_count=count_subquery(ClaimSource.objects.all(), outer="claim"),
            evidence_count=count_subquery(Evidence.objects.all(), outer="claim"),
            ratings_count=count_subquery(Rating.objects.all(), outer="claim"),
        )
    )


def evidence_list() -> QuerySet[Evidence]:
    return Evidence.objects.select_related("claim", "author")


def rating_list() -> QuerySet[Rating]:
    return Rating.objects.select_related("claim", "reviewer")
