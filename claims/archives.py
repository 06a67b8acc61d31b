"""What was fetched, kept: a snapshot's raw body, its WARC file, and how long bodies stay.

Bodies live in ``claims.bodies`` (once per sha256). A snapshot that is superseded (a
later fetch of the same source or evidence read the page again) keeps its body for
SNAPSHOT_BODY_RETENTION_DAYS; ``prune_bodies`` then lets it go and records so on the
snapshot (``body_pruned_at``), whose extracted text and headers stay. A body that any
snapshot still keeps (the latest reading of each source or evidence, or one within the
retention) is never deleted, whichever snapshot it came with first.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from claims import bodies
from claims.models import SourceSnapshot
from fetching.safe_http import parse_content_type
from fetching.warc import Exchange, warc_bytes

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
PRUNE_BATCH = 500


def body_of(snapshot: SourceSnapshot) -> bytes | None:
    """The raw body the fetch got, or None when there was none or it was pruned."""
    if not snapshot.sha256 or snapshot.body_pruned_at is not None:
        return None
    return bodies.read_body(snapshot.sha256)


def is_html(snapshot: SourceSnapshot) -> bool:
    return snapshot.content_type in HTML_TYPES


def served_content_type(snapshot: SourceSnapshot) -> str:
    """The type to serve a stored body as: its media type, and for HTML the charset the
    server declared (a safe token only), so the page reads as it did."""
    media_type = snapshot.content_type or "application/octet-stream"
    if not is_html(snapshot):
        return media_type
    declared = next(
        (value for name, value in snapshot.response_headers if name.lower() == "content-type"),
        "",
    )
    _, charset = parse_content_type(declared)
    if charset and re.fullmatch(r"[a-z0-9_.:-]{1,40}", charset):
        return f"{media_type}; charset={charset}"
    return media_type


def warc_of(snapshot: SourceSnapshot) -> bytes | None:
    """The snapshot as a WARC file (request and response records), or None without a body."""
    body = body_of(snapshot)
    if body is None or snapshot.http_status is None:
        return None
    owner = snapshot.source or snapshot.evidence
    return warc_bytes(
        Exchange(
            url=snapshot.final_url or getattr(owner, "url", ""),
            fetched_at=snapshot.fetched_at,
            status_code=snapshot.http_status,
            body=body,
            request_headers=[(name, value) for name, value in snapshot.request_headers],
            response_headers=[(name, value) for name, value in snapshot.response_headers],
        )
    )


def warc_filename(snapshot: SourceSnapshot) -> str:
    return f"snapshot-{snapshot.pk}-{snapshot.fetched_at:%Y%m%dT%H%M%S}.warc"


# --- Retention --------------------------------------------------------------------


def _read_page() -> Q:
    """A snapshot that read the page (has a body and no error)."""
    return Q(error="") & ~Q(sha256="")


def superseded_q() -> Q:
    """A snapshot with a later one of the same source or evidence that read the page."""
    later = SourceSnapshot.objects.filter(_read_page()).filter(
        Q(fetched_at__gt=OuterRef("fetched_at"))
        | Q(fetched_at=OuterRef("fetched_at"), id__gt=OuterRef("id"))
    )
    return Q(
        Exists(later.filter(source__isnull=False, source=OuterRef("source")))
        | Exists(later.filter(evidence__isnull=False, evidence=OuterRef("evidence")))
    )


def retention_cutoff(now: datetime | None = None) -> datetime | None:
    """Superseded bodies fetched before this are let go (None: kept forever)."""
    days = settings.SNAPSHOT_BODY_RETENTION_DAYS
    return None if days == 0 else (now or timezone.now()) - timedelta(days=days)


def prunable_snapshots(cutoff: datetime) -> QuerySet[SourceSnapshot]:
    """Snapshots whose body may go: superseded, fetched before ``cutoff``, still kept."""
    return (
        SourceSnapshot.objects.filter(body_pruned_at__isnull=True, fetched_at__lt=cutoff)
        .exclude(sha256="")
        .filter(superseded_q())
    )


@dataclass
class PruneResult:
    snapshots: int = 0  # snapshots whose body was let go
    bodies: int = 0  # stored bodies deleted (a body shared by several snapshots counts once)
    kept_shared: int = 0  # prunable snapshots whose body another kept snapshot still holds


def prune_bodies(*, now: datetime | None = None, dry_run: bool = False) -> PruneResult:
    """Apply SNAPSHOT_BODY_RETENTION_DAYS: safe to run again and again (idempotent)."""
    now = now or timezone.now()
    result = PruneResult()
    cutoff = retention_cutoff(now)
    if cutoff is None:
        return result
    for batch in _batches(prunable_snapshots(cutoff)):
        digests = {sha256 for _, sha256 in batch}
        # Bodies that a snapshot which is not being pruned still holds stay.
        held = set(
            SourceSnapshot.objects.filter(sha256__in=digests, body_pruned_at__isnull=True)
            .exclude(pk__in=[pk for pk, _ in batch])
            .exclude(pk__in=prunable_snapshots(cutoff).filter(sha256__in=digests).values("pk"))
            .values_list("sha256", flat=True)
        )
        pruned = [pk for pk, sha256 in batch if sha256 not in held]
        result.kept_shared += len(batch) - len(pruned)
        result.snapshots += len(pruned)
        gone = digests - held
        result.bodies += sum(1 for digest in gone if bodies.has_body(digest))
        if dry_run:
            continue
        SourceSnapshot.objects.filter(pk__in=pruned).update(body_pruned_at=now)
        for digest in gone:
            bodies.delete_body(digest)
    return result


def _batches(snapshots: QuerySet[SourceSnapshot]) -> Iterator[list[tuple[int, str]]]:
    rows = list(snapshots.order_by("pk").values_list("pk", "sha256"))
    for start in range(0, len(rows), PRUNE_BATCH):
        yield rows[start : start + PRUNE_BATCH]
