"""Fetch a source's or an evidence item's URL and keep what came back.

The work is claimed with a conditional UPDATE (pending -> fetching, under the
Celery task's id) and finished with another (fetching -> result, same id), and
the snapshot is written only if the second one matched. A job delivered twice,
or redelivered after its worker was killed, therefore stores exactly one result.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from claims.models import Evidence, Source, SourceSnapshot, SourceStatus
from claims.selectors import snapshots_latest_first
from fetching import safe_http
from fetching.content import page_content
from texts.textnorm import clean_line

logger = logging.getLogger(__name__)

FetchableModel = type[Source] | type[Evidence]
DETAIL_MAX = 500


def fetch_policy() -> safe_http.FetchPolicy:
    return safe_http.FetchPolicy(
        max_bytes=settings.FETCH_MAX_BYTES,
        connect_timeout=settings.FETCH_CONNECT_TIMEOUT,
        read_timeout=settings.FETCH_READ_TIMEOUT,
        total_timeout=settings.FETCH_TOTAL_TIMEOUT,
        allow_loopback=settings.FETCH_ALLOW_LOOPBACK,
        user_agent=settings.FETCH_USER_AGENT,
        max_per_host=settings.FETCH_MAX_PER_HOST,
    )


@dataclass
class PageFetch:
    """The outcome of one attempt, before it is stored."""

    status: str  # a SourceStatus
    detail: str = ""
    transient: bool = False  # worth another attempt later
    retry_after: float | None = None
    http_status: int | None = None
    final_url: str = ""
    content_type: str = ""
    title: str = ""
    text: str = ""
    byte_size: int = 0
    sha256: str = ""
    truncated: bool = False
    soft_404: bool = False
    error: str = ""
    flags: list[str] = field(default_factory=list)


def fetch_page(url: str) -> PageFetch:
    """One attempt at ``url``: classify what happened as a source status."""
    policy = fetch_policy()
    try:
        response = safe_http.fetch(url, policy=policy)
    except safe_http.BlockedURL as exc:
        return PageFetch(status=SourceStatus.BLOCKED, detail=exc.reason, error=exc.reason)
    except safe_http.DNSFailure as exc:
        # A name that does not resolve is a dead link, unless it keeps failing only
        # for a while: it is retried like any transient error first.
        return PageFetch(
            status=SourceStatus.DEAD, detail=exc.reason, error=exc.reason, transient=True
        )
    except safe_http.TooManyRedirects as exc:
        return PageFetch(status=SourceStatus.FAILED, detail=exc.reason, error=exc.reason)
    except safe_http.FetchError as exc:
        return PageFetch(
            status=SourceStatus.FAILED, detail=exc.reason, error=exc.reason, transient=exc.transient
        )

    page = PageFetch(
        status=SourceStatus.OK,
        http_status=response.status_code,
        final_url=response.final_url,
        content_type=response.content_type or "",
        byte_size=len(response.body),
        sha256=hashlib.sha256(response.body).hexdigest(),
        truncated=response.truncated,
    )
    code = response.status_code
    if code in (404, 410):
        page.status, page.detail = SourceStatus.DEAD, f"HTTP {code}: the page is gone"
    elif code == 429 or code >= 500:
        page.status, page.detail = SourceStatus.FAILED, f"HTTP {code} from the server"
        page.transient = True
        page.retry_after = safe_http.retry_after_seconds(response)
    elif code >= 300:
        page.status, page.detail = SourceStatus.FAILED, f"HTTP {code}"
    elif response.truncated:
        page.status = SourceStatus.FAILED
        page.detail = f"The page is larger than the {policy.max_bytes:,}-byte limit"
    else:
        content = page_content(
            response.body,
            content_type=response.headers.get("content-type", ""),
            charset=response.charset,
            url=response.final_url,
        )
        page.title = clean_line(content.title)[:500]
        page.text, page.soft_404 = content.text, content.soft_404
        if content.kind == "unsupported":
            page.status = SourceStatus.FAILED
            page.detail = f"Cannot read {page.content_type or 'this kind of'} content"
        elif content.soft_404:
            page.status, page.detail = SourceStatus.DEAD, "The page says it does not exist"
    page.error = page.detail if page.status != SourceStatus.OK else ""
    page.detail = page.detail[:DETAIL_MAX]
    return page


# --- Claiming and finishing the work ---------------------------------------------


def claim(model: FetchableModel, pk: int, *, task_id: str) -> Source | Evidence | None:
    """Take the fetch of one row for this task, or None if it is not ours to do."""
    claimed = (
        model.objects.filter(pk=pk)
        .filter(
            Q(status=SourceStatus.PENDING)
            | Q(status=SourceStatus.FETCHING, fetch_task_id=task_id)  # redelivered to us
        )
        .update(
            status=SourceStatus.FETCHING,
            fetch_task_id=task_id,
            fetch_started_at=timezone.now(),
            fetch_attempts=F("fetch_attempts") + 1,
        )
    )
    return model.objects.filter(pk=pk).first() if claimed else None


def release_for_retry(target: Source | Evidence, *, task_id: str, page: PageFetch) -> bool:
    """Put a row back to pending after a transient failure; its task retries it later."""
    return bool(
        type(target)
        .objects.filter(pk=target.pk, status=SourceStatus.FETCHING, fetch_task_id=task_id)
        .update(
            status=SourceStatus.PENDING,
            status_detail=f"Retrying after: {page.detail}"[:DETAIL_MAX],
        )
    )


def finish(target: Source | Evidence, *, task_id: str, page: PageFetch) -> SourceSnapshot | None:
    """Store the outcome and its snapshot, once, if the fetch is still ours."""
    now = timezone.now()
    owner: dict[str, Source | Evidence] = (
        {"source": target} if isinstance(target, Source) else {"evidence": target}
    )
    with transaction.atomic():
        updated = (
            type(target)
            .objects.filter(pk=target.pk, status=SourceStatus.FETCHING, fetch_task_id=task_id)
            .update(
                status=page.status,
                status_detail=page.detail,
                last_fetched_at=now,
                fetch_attempts=0,
                fetch_task_id="",
                fetch_started_at=None,
            )
        )
        if not updated:
            return None
        previous = (
            snapshots_latest_first(**owner).exclude(sha256="").values_list("sha256", "text").first()
        )
        snapshot = SourceSnapshot.objects.create(
            **owner,
            fetched_at=now,
            http_status=page.http_status,
            final_url=page.final_url[:2000],
            content_type=page.content_type[:200],
            title=page.title,
            text=page.text,
            byte_size=page.byte_size,
            sha256=page.sha256,
            truncated=page.truncated,
            soft_404=page.soft_404,
            text_changed=previous is not None and previous[1] != page.text,
            error=page.error,
        )
    return snapshot


RunOutcome = Literal["skipped", "retry", "done"]


@dataclass
class FetchRun:
    outcome: RunOutcome
    page: PageFetch | None = None
    snapshot: SourceSnapshot | None = None


def run_fetch(model: FetchableModel, pk: int, *, task_id: str, final_attempt: bool) -> FetchRun:
    """Claim, fetch and store one row: what a fetch task does, without Celery."""
    target = claim(model, pk, task_id=task_id)
    if target is None:
        return FetchRun("skipped")
    page = fetch_page(target.url)
    logger.info(
        "fetched",
        extra={
            "model": model.__name__,
            "id": pk,
            "url": target.url,
            "status": page.status,
            "http_status": page.http_status,
            "transient": page.transient,
        },
    )
    if page.transient and not final_attempt:
        release_for_retry(target, task_id=task_id, page=page)
        return FetchRun("retry", page=page)
    return FetchRun("done", page=page, snapshot=finish(target, task_id=task_id, page=page))


# --- Periodic rechecks ------------------------------------------------------------

LOST_AFTER = timedelta(minutes=15)
RECHECK_BATCH = 1000


def due_for_fetch(model: FetchableModel, *, now: datetime | None = None) -> list[int]:
    """Rows to (re)fetch now: fetched long ago (links die), or whose job was lost.

    A fetch that started long ago and never finished, or a pending row nobody took,
    lost its job (a purged queue, say); fetched rows are checked again after
    FETCH_RECHECK_AFTER_HOURS. Marks them pending and returns their ids.
    """
    now = now or timezone.now()
    lost = now - LOST_AFTER
    stale = now - timedelta(hours=settings.FETCH_RECHECK_AFTER_HOURS)
    due = model.objects.filter(
        Q(status=SourceStatus.FETCHING, fetch_started_at__lt=lost)
        | Q(status=SourceStatus.PENDING, updated_at__lt=lost, fetch_started_at__isnull=True)
        | Q(
            status__in=[SourceStatus.OK, SourceStatus.DEAD, SourceStatus.FAILED],
            last_fetched_at__lt=stale,
        )
    ).order_by(F("last_fetched_at").asc(nulls_first=True), "pk")
    ids = list(due.values_list("pk", flat=True)[:RECHECK_BATCH])
    model.objects.filter(pk__in=ids).update(
        status=SourceStatus.PENDING, fetch_task_id="", fetch_started_at=None
    )
    return ids
