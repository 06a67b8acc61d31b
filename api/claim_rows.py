"""The claims list, rendered from plain rows instead of model instances.

The busiest read of the API: a page of up to 100 claims, each with its sources, ratings
summary, the caller's rating and the consensus. Built from ``values()`` rows and two flat
queries (the claims' source ids and their ratings), it is the same JSON as
``ClaimSerializer`` (which still documents it in the schema; a test compares the two)
at a fraction of the cost: no model instances, no per-field serializer calls.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from rest_framework import ISO_8601, serializers
from rest_framework.settings import api_settings

from claims import policies
from claims.models import Claim, Rating
from editorial.selectors import summarise_consensus

ClaimSource = Claim.sources.through

COLUMNS = (
    "id",
    "article_id",
    "number",
    "quote",
    "start",
    "end",
    "prefix",
    "suffix",
    "kind",
    "status",
    "created_by__username",
    "created_at",
    "updated_at",
    "evidence_count",
    "consensus__state",
    "consensus__verdict",
    "consensus__agreement",
    "consensus__ratings_count",
    "publication__verdict",
    "summary",
    "claim_date",
    "claimant_id",
    "claimant__name",
    "claimant__kind",
    "claimant__same_as",
    "anchor_state",
    "revision__number",
    "quote_as_marked",
)


def _datetime_format() -> Callable[[datetime], str]:
    """What ``serializers.DateTimeField`` does, with the time zone looked up once."""
    if api_settings.DATETIME_FORMAT.lower() != ISO_8601 or not settings.USE_TZ:
        return serializers.DateTimeField().to_representation
    zone = timezone.get_current_timezone()

    def iso_8601(value: datetime) -> str:
        text = value.astimezone(zone).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return iso_8601


def claim_rows(claims: QuerySet[Claim]) -> QuerySet[Claim, dict[str, Any]]:
    """``claims`` (annotated by ``selectors.claim_list_with_counts``) as rows to render."""
    return claims.values(*COLUMNS)


def render(rows: list[dict[str, Any]], *, user: Any) -> list[dict[str, Any]]:
    """The page of ``rows`` as ``ClaimSerializer`` would render it, for the caller
    ``user``: two queries, whatever the page size. The claims' sources and ratings are
    read here anyway, so they are counted here too rather than by two more subqueries
    (and the ratings say which claims the caller has rated, whose others' ratings and
    consensus they may therefore see)."""
    user_id = user.pk
    iso_8601 = _datetime_format()
    ids = [row["id"] for row in rows]
    sources: dict[int, list[int]] = defaultdict(list)
    links = ClaimSource.objects.filter(claim_id__in=ids).order_by("source__position")
    for claim_id, source_id in links.values_list("claim_id", "source_id"):
        sources[claim_id].append(source_id)
    summaries: dict[int, dict[str, int]] = defaultdict(dict)
    mine: dict[int, str] = {}
    ratings = Rating.objects.filter(claim_id__in=ids).order_by("created_at", "id")
    for claim_id, reviewer_id, verdict in ratings.values_list("claim_id", "reviewer_id", "verdict"):
        summary = summaries[claim_id]
        summary[verdict] = summary.get(verdict, 0) + 1
        if reviewer_id == user_id and user_id is not None:
            mine[claim_id] = verdict
    hidden = {
        row["id"]: policies.others_ratings_hidden_reason(
            user, row["status"], has_rated=row["id"] in mine
        )
        for row in rows
    }
    return [
        {
            "id": row["id"],
            "article": row["article_id"],
            "number": row["number"],
            "quote": row["quote"],
            "start": row["start"],
            "end": row["end"],
            "prefix": row["prefix"],
            "suffix": row["suffix"],
            "kind": row["kind"],
            "status": row["status"],
            "sources": sources.get(row["id"], []),
            "created_by": row["created_by__username"],
            "created_at": iso_8601(row["created_at"]),
            "updated_at": iso_8601(row["updated_at"]),
            "sources_count": len(sources.get(row["id"], ())),
            "evidence_count": row["evidence_count"],
            "ratings_count": sum(summaries.get(row["id"], {}).values()),
            "ratings_summary": None if hidden[row["id"]] else summaries.get(row["id"], {}),
            "my_rating": mine.get(row["id"]),
            "consensus": None if hidden[row["id"]] else _consensus(row),
            "consensus_hidden": hidden[row["id"]] is not None,
            "hidden_reason": hidden[row["id"]],
            "published_verdict": row["publication__verdict"],
            "summary": row["summary"],
            "claimant": _claimant(row),
            "claim_date": row["claim_date"].isoformat() if row["claim_date"] else None,
            "anchor_state": row["anchor_state"],
            "revision": row["revision__number"],
            "quote_as_marked": row["quote_as_marked"],
        }
        for row in rows
    ]


def _claimant(row: dict[str, Any]) -> dict[str, Any] | None:
    if row["claimant_id"] is None:
        return None
    return {
        "id": row["claimant_id"],
        "name": row["claimant__name"],
        "kind": row["claimant__kind"],
        "same_as": row["claimant__same_as"],
    }


def _consensus(row: dict[str, Any]) -> dict[str, Any]:
    return summarise_consensus(
        row["consensus__state"],
        row["consensus__verdict"],
        row["consensus__agreement"],
        row["consensus__ratings_count"],
    )
