"""Public web archives (``WEB_ARCHIVE_*`` settings, off by default): a copy of every page
the sources and evidence cite, and a way back to a dead link's page.

After a fetch, ``archive_job_for`` says what to ask the archive, if anything:

* ``capture``: the first successful read of a page (of this URL: no earlier snapshot read
  it). Save Page Now is asked once; the copy's URL is kept on that snapshot. Rechecks of
  the same page ask nothing.
* ``closest``: a cited source that has just become dead or failed (the fetch before did
  not fail). The availability API is asked for the copy closest to when the page was
  last read; the copy's URL is kept on the failed snapshot, and reviewers are offered it
  as the URL to use (``Source.archive_offer``).

Pages on the archive itself are never sent back to it. Requests go through the
SSRF-safe client and take turns under their own limit (``WEB_ARCHIVE_REQUESTS_PER_MINUTE``,
counted in the cache, so shared by every worker when ``CACHE_URL`` is Redis). Steps here
never queue a job: ``claims.tasks`` does.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime
from datetime import time as day_start
from typing import Literal
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone

from accounts.ratelimits import SlidingWindow
from claims.models import Source, SourceSnapshot, SourceStatus
from claims.selectors import snapshots_latest_first
from fetching import safe_http, web_archive

logger = logging.getLogger(__name__)

ARCHIVE_BODY_BYTES = 256 * 1024  # only the answer's headers and address matter
Job = Literal["capture", "closest"]


def archive_policy() -> safe_http.FetchPolicy:
    timeout = settings.WEB_ARCHIVE_TIMEOUT_SECONDS
    return safe_http.FetchPolicy(
        max_bytes=ARCHIVE_BODY_BYTES,
        connect_timeout=min(settings.FETCH_CONNECT_TIMEOUT, timeout),
        read_timeout=timeout,
        total_timeout=timeout,
        allow_loopback=settings.FETCH_ALLOW_LOOPBACK,
        user_agent=settings.FETCH_USER_AGENT,
        max_per_host=settings.FETCH_MAX_PER_HOST,
    )


def _archive_sites() -> set[str]:
    urls = (settings.WEB_ARCHIVE_SAVE_URL, settings.WEB_ARCHIVE_AVAILABILITY_URL)
    return {urlsplit(url).netloc.lower() for url in urls}


def is_on_archive(url: str) -> bool:
    return urlsplit(url).netloc.lower() in _archive_sites()


def _earlier(snapshot: SourceSnapshot) -> Q:
    return Q(fetched_at__lt=snapshot.fetched_at) | Q(
        fetched_at=snapshot.fetched_at, id__lt=snapshot.pk
    )


def _owner(snapshot: SourceSnapshot) -> dict[str, int | None]:
    if snapshot.source_id is not None:
        return {"source_id": snapshot.source_id}
    return {"evidence_id": snapshot.evidence_id}


def archive_job_for(snapshot: SourceSnapshot) -> Job | None:
    """What to ask the archive after the fetch that stored ``snapshot``, if anything."""
    if not settings.WEB_ARCHIVE_ENABLED:
        return None
    earlier = snapshots_latest_first(**_owner(snapshot)).filter(_earlier(snapshot))
    if not snapshot.error:
        if not snapshot.final_url or is_on_archive(snapshot.final_url):
            return None
        if earlier.filter(error="", final_url=snapshot.final_url).exists():
            return None
        return "capture"
    if snapshot.source_id is None:
        return None
    source = Source.objects.filter(pk=snapshot.source_id).values("status", "url").first()
    if source is None or source["status"] not in (SourceStatus.DEAD, SourceStatus.FAILED):
        return None
    if not source["url"] or is_on_archive(source["url"]):
        return None
    if earlier.values_list("error", flat=True).first() not in (None, ""):
        return None  # it was failing already: asked then
    return "closest"


Outcome = Literal["skipped", "done", "none", "busy", "retry", "failed"]


@dataclass
class ArchiveRun:
    outcome: Outcome
    url: str = ""
    retry_in: float | None = None  # "busy": wait this long; "retry": at least this long
    detail: str = ""


def _turn() -> ArchiveRun | None:
    """A busy run if the archive's rate limit has no room now, else None (go ahead)."""
    window = SlidingWindow(cache=cache, limit=settings.WEB_ARCHIVE_REQUESTS_PER_MINUTE, period=60)
    decision = window.take("web-archive-requests", now=time.time())
    return None if decision.allowed else ArchiveRun("busy", retry_in=max(decision.wait, 1.0))


def _refused(exc: web_archive.ArchiveError, what: str, snapshot_id: int) -> ArchiveRun:
    logger.warning(
        "web archive %s failed", what, extra={"snapshot": snapshot_id, "reason": exc.reason}
    )
    if exc.transient:
        return ArchiveRun("retry", retry_in=exc.retry_after, detail=exc.reason)
    return ArchiveRun("failed", detail=exc.reason)


def _record(snapshot_id: int, archived: str) -> ArchiveRun:
    stored = SourceSnapshot.objects.filter(pk=snapshot_id, archive_url="").update(
        archive_url=archived[:2000]
    )
    return ArchiveRun("done" if stored else "skipped", url=archived)


def capture(snapshot_id: int) -> ArchiveRun:
    """Ask the archive to capture the page ``snapshot_id`` read; keep the copy's URL."""
    snapshot = (
        SourceSnapshot.objects.filter(pk=snapshot_id).only("final_url", "archive_url").first()
    )
    if snapshot is None or snapshot.archive_url or not snapshot.final_url:
        return ArchiveRun("skipped")
    if busy := _turn():
        return busy
    try:
        archived = web_archive.capture(
            snapshot.final_url, save_url=settings.WEB_ARCHIVE_SAVE_URL, policy=archive_policy()
        )
    except web_archive.ArchiveError as exc:
        return _refused(exc, "capture", snapshot_id)
    return _record(snapshot_id, archived)


def _last_read(snapshot: SourceSnapshot, source: Source) -> datetime | None:
    """When the dead page was last read, else its article's date: the copy to look for."""
    read_at = (
        snapshots_latest_first(source_id=source.pk)
        .filter(_earlier(snapshot), error="")
        .values_list("fetched_at", flat=True)
        .first()
    )
    if read_at is not None:
        return read_at
    if published_on := source.article.published_on:
        return timezone.make_aware(datetime.combine(published_on, day_start(12)))
    return None


def find_closest(snapshot_id: int) -> ArchiveRun:
    """Look up the archived copy of a dead or failed source closest to when it was read."""
    snapshot = (
        SourceSnapshot.objects.filter(pk=snapshot_id, source__isnull=False)
        .select_related("source__article")
        .defer("text", "source__article__text", "source__article__source_text")
        .first()
    )
    if snapshot is None or snapshot.archive_url or snapshot.source is None:
        return ArchiveRun("skipped")
    source = snapshot.source
    if busy := _turn():
        return busy
    try:
        archived = web_archive.closest(
            source.url,
            availability_url=settings.WEB_ARCHIVE_AVAILABILITY_URL,
            when=_last_read(snapshot, source),
            policy=archive_policy(),
        )
    except web_archive.ArchiveError as exc:
        return _refused(exc, "lookup", snapshot_id)
    if archived is None:
        return ArchiveRun("none")
    return _record(snapshot_id, archived)
