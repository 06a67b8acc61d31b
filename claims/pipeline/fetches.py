"""Fetch a source's or an evidence item's URL and keep what came back.

The work is claimed with a conditional UPDATE (pending -> fetching, under the
Celery task's id) and finished with another (fetching -> result, same id), and
the snapshot is written only if the second one matched. A job delivered twice,
or redelivered after its worker was killed, therefore stores exactly one result.

A claim is a lease: a redelivered copy of a job that is still running (the broker's
visibility timeout passed) waits until the lease is over instead of fetching at the
same time, and a fetch that outlives its lease cannot finish once another run took the
row over. ``due_for_fetch`` finds every row whose job was lost, whatever its history.
"""

from __future__ import annotations

import hashlib
import logging
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, F, Q, When
from django.utils import timezone

from claims import events, stamps
from claims.bodies import read_body, store_body
from claims.models import Evidence, Source, SourceSnapshot, SourceStatus
from claims.selectors import snapshots_latest_first
from fetching import safe_http
from fetching.content import page_content
from fetching.host_slots import RedisHostSlots
from texts.edits import TextComparison, compare_texts
from texts.relevance import anchor_relevance
from texts.textnorm import clean_line

logger = logging.getLogger(__name__)

FetchableModel = type[Source] | type[Evidence]
DETAIL_MAX = 500


_shared_slots: dict[str, RedisHostSlots] = {}


def shared_host_slots() -> RedisHostSlots | None:
    """The host slots all workers share (FETCH_HOST_SLOTS_URL), one client per process."""
    url = settings.FETCH_HOST_SLOTS_URL
    if not url:
        return None
    if url not in _shared_slots:
        _shared_slots[url] = RedisHostSlots(url)
    return _shared_slots[url]


def fetch_policy() -> safe_http.FetchPolicy:
    return safe_http.FetchPolicy(
        max_bytes=settings.FETCH_MAX_BYTES,
        connect_timeout=settings.FETCH_CONNECT_TIMEOUT,
        read_timeout=settings.FETCH_READ_TIMEOUT,
        total_timeout=settings.FETCH_TOTAL_TIMEOUT,
        allow_loopback=settings.FETCH_ALLOW_LOOPBACK,
        user_agent=settings.FETCH_USER_AGENT,
        max_per_host=settings.FETCH_MAX_PER_HOST,
        shared_slots=shared_host_slots(),
    )


@dataclass
class PageFetch:
    """The outcome of one attempt, before it is stored."""

    status: str  # a SourceStatus
    detail: str = ""
    transient: bool = False  # worth another attempt later
    host_busy: bool = False  # not tried: this process's slots for the site were all taken
    retry_after: float | None = None
    http_status: int | None = None
    final_url: str = ""
    content_type: str = ""
    title: str = ""
    text: str = ""
    byte_size: int = 0
    sha256: str = ""
    body: bytes = b""  # the raw body, kept in claims.bodies when the outcome is stored
    body_stored: bool = False  # already kept there (by the download step, or read from it)
    request_headers: list[tuple[str, str]] = field(default_factory=list)
    response_headers: list[tuple[str, str]] = field(default_factory=list)
    charset: str | None = None
    media_type: str = ""  # the Content-Type header as sent, parameters included
    unread: bool = False  # a page to read (extract its text) before the outcome is known
    truncated: bool = False
    soft_404: bool = False
    error: str = ""
    flags: list[str] = field(default_factory=list)


def fetch_page(url: str) -> PageFetch:
    """One attempt at ``url``: download it, then read it (extract its text)."""
    page = download_page(url)
    return read_page(page) if page.unread else page


# What the reading step needs of a download, to be handed to another worker as JSON:
# everything but the body (stored in claims.bodies under its sha256) and the text.
HANDED_OVER = (
    "http_status",
    "final_url",
    "content_type",
    "byte_size",
    "sha256",
    "charset",
    "media_type",
    "truncated",
    "request_headers",
    "response_headers",
)


def handed_over(page: PageFetch) -> dict[str, object]:
    return {name: getattr(page, name) for name in HANDED_OVER}


def download_page(url: str) -> PageFetch:
    """One attempt at ``url``, without reading the page: waiting on the network only.

    A page that answered 2xx comes back ``unread`` with its body, for ``read_page``;
    everything else already has its status.
    """
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
    except safe_http.HostBusy as exc:
        # Waiting for a slot is not a failure: nothing went over the network.
        return PageFetch(
            status=SourceStatus.PENDING,
            detail=f"Waiting for a free slot: {exc.reason}",
            host_busy=True,
            retry_after=exc.retry_after,
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
        body=response.body,
        charset=response.charset,
        media_type=response.headers.get("content-type", ""),
        truncated=response.truncated,
        request_headers=response.request_headers,
        response_headers=response.response_headers,
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
        page.unread = True
        return page
    return _outcome(page)


def read_page(page: PageFetch) -> PageFetch:
    """Extract a downloaded page's text and decide what it is: computing only."""
    content = page_content(
        page.body, content_type=page.media_type, charset=page.charset, url=page.final_url
    )
    page.unread = False
    page.title = clean_line(content.title)[:500]
    page.text, page.soft_404 = content.text, content.soft_404
    if content.kind == "unsupported":
        page.status = SourceStatus.FAILED
        page.detail = f"Cannot read {page.content_type or 'this kind of'} content"
    elif content.soft_404:
        page.status, page.detail = SourceStatus.DEAD, "The page says it does not exist"
    return _outcome(page)


def _outcome(page: PageFetch) -> PageFetch:
    page.error = page.detail if page.status != SourceStatus.OK else ""
    page.detail = page.detail[:DETAIL_MAX]
    return page


# --- Claiming and finishing the work ---------------------------------------------


def lease() -> timedelta:
    """How long a claim keeps other copies of its job off the row.

    A fetch gives up after FETCH_TOTAL_TIMEOUT; as long again covers resolving the name,
    reading the page's text and storing it.
    """
    return timedelta(seconds=2 * settings.FETCH_TOTAL_TIMEOUT)


def max_attempts() -> int:
    return settings.FETCH_MAX_RETRIES + 1


def claim(
    model: FetchableModel, pk: int, *, task_id: str, run: int = 0
) -> Source | Evidence | None:
    """Take the fetch of one row for this run of the task, or None if it is not ours to do.

    ``run`` is the task's retry count. A retry takes the row over from the run of the same
    task that sent it (that run has stopped); a redelivered copy of the run that holds the
    row only once the lease is over (that run may still be fetching).
    """
    now = timezone.now()
    ours = Q(status=SourceStatus.FETCHING, fetch_task_id=task_id)
    our_retry = ours & Q(fetch_task_run__lt=run)
    claimed = (
        model.objects.filter(pk=pk)
        .filter(
            Q(status=SourceStatus.PENDING)
            | our_retry
            | (ours & Q(fetch_started_at__lt=now - lease()))
        )
        .update(
            status=SourceStatus.FETCHING,
            fetch_task_id=task_id,
            fetch_task_run=run,
            fetch_started_at=now,
            # A retry straight from a claimed row follows a database error, not a fetch
            # that failed (that one went back to pending): it is the same attempt. A
            # claim taken over after its lease counts, so a page that kills workers
            # runs out of attempts.
            fetch_attempts=Case(
                When(our_retry, then=F("fetch_attempts")), default=F("fetch_attempts") + 1
            ),
        )
    )
    if not claimed:
        return None
    target = model.objects.filter(pk=pk).first()
    if target is not None:
        stamps.fetched_changed(target)
    return target


def lease_held_until(model: FetchableModel, pk: int, *, task_id: str) -> datetime | None:
    """When the claim another copy of this task holds on the row ends, if one does."""
    started = (
        model.objects.filter(pk=pk, status=SourceStatus.FETCHING, fetch_task_id=task_id)
        .values_list("fetch_started_at", flat=True)
        .first()
    )
    return started + lease() if started is not None else None


def _still_ours(target: Source | Evidence, task_id: str) -> Q:
    """The row is still fetching under the claim ``target`` was read with."""
    return Q(
        pk=target.pk,
        status=SourceStatus.FETCHING,
        fetch_task_id=task_id,
        fetch_started_at=target.fetch_started_at,
    )


def release_for_retry(
    target: Source | Evidence,
    *,
    task_id: str,
    page: PageFetch,
    due_at: datetime | None = None,
    count_attempt: bool = True,
) -> bool:
    """Put a row back to pending; its task retries it at ``due_at`` (the recheck if not).

    A fetch that never went out (its site was busy) gives its attempt back.
    """
    changes: dict[str, object] = {
        "status": SourceStatus.PENDING,
        "status_detail": (f"Retrying after: {page.detail}" if count_attempt else page.detail)[
            :DETAIL_MAX
        ],
        "fetch_due_at": due_at or timezone.now(),
    }
    if not count_attempt:
        changes["fetch_attempts"] = F("fetch_attempts") - 1
    released = bool(type(target).objects.filter(_still_ours(target, task_id)).update(**changes))
    if released:
        stamps.fetched_changed(target)
    return released


def mark_handed_over(model: FetchableModel, ids: list[int], *, now: datetime | None = None) -> None:
    """Record that the pending rows' jobs are with the broker now (unless a retry is later)."""
    now = now or timezone.now()
    for start in range(0, len(ids), RECHECK_BATCH):
        model.objects.filter(pk__in=ids[start : start + RECHECK_BATCH]).filter(
            Q(fetch_due_at__isnull=True) | Q(fetch_due_at__lt=now),
            status=SourceStatus.PENDING,
        ).update(fetch_due_at=now)


MAX_BACKOFF_SECONDS = 3600


def backoff_seconds(retries: int, retry_after: float | None = None) -> float:
    """Exponential backoff with full jitter; a server's Retry-After is a floor."""
    ceiling = min(settings.FETCH_RETRY_BASE_SECONDS * 2**retries, MAX_BACKOFF_SECONDS)
    delay = random.uniform(ceiling / 2, ceiling)
    if retry_after is not None:
        delay = max(delay, min(retry_after, MAX_BACKOFF_SECONDS))
    return delay


def busy_delay(hint: float | None = None) -> float:
    """How long a fetch whose site had no free slot waits before its next turn.

    About as long as the site's requests hold a slot (``hint``, from the fetcher), else a
    few seconds; spread so that a burst of one site's jobs does not come back all at once.
    """
    if hint is None:
        return random.uniform(1.0, 5.0)
    hint = min(max(hint, 1.0), 60.0)
    return random.uniform(hint / 2, hint * 1.5)


def finish(target: Source | Evidence, *, task_id: str, page: PageFetch) -> SourceSnapshot | None:
    """Store the outcome and its snapshot, once, if the fetch is still ours."""
    now = timezone.now()
    if page.body and not page.body_stored:
        store_body(page.body)  # before the row: a snapshot never names a body not kept
    owner: dict[str, Source | Evidence] = (
        {"source": target} if isinstance(target, Source) else {"evidence": target}
    )
    # Compared before the transaction, which it would hold open for as long as a long page
    # takes: while the claim is ours, no other fetch of the row stores a snapshot.
    previous = _previous_reading(owner) if page.status == SourceStatus.OK else None
    comparison = (
        compare_texts(previous.text, page.text)
        if previous is not None and previous.text != page.text
        else TextComparison()
    )
    edited = comparison.is_edit(min_words=settings.SOURCE_CHANGE_MIN_WORDS)
    with transaction.atomic():
        updated = (
            type(target)
            .objects.filter(_still_ours(target, task_id))
            .update(
                status=page.status,
                status_detail=page.detail,
                last_fetched_at=now,
                fetch_attempts=0,
                fetch_task_id="",
                fetch_task_run=0,
                fetch_started_at=None,
                fetch_due_at=None,
            )
        )
        if not updated:
            return None
        stamps.fetched_changed(target)
        # A dead link is news when it is first found, or when the page was read last time.
        newly_dead = (
            isinstance(target, Source)
            and page.status == SourceStatus.DEAD
            and snapshots_latest_first(**owner).values_list("error", flat=True).first()
            in (None, "")
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
            text_changed=edited,
            diff=comparison.diff if edited else [],
            error=page.error,
            anchor_relevance=_relevance(target, page),
            request_headers=[list(pair) for pair in page.request_headers],
            response_headers=[list(pair) for pair in page.response_headers],
        )
        if newly_dead:
            events.emit(events.source_died, source=target, snapshot=snapshot)
        if edited:
            events.emit(events.source_changed, source=target, snapshot=snapshot, previous=previous)
    return snapshot


def _previous_reading(owner: dict[str, Source | Evidence]) -> SourceSnapshot | None:
    """The latest snapshot that read the page's text: what a new reading is compared with.

    Failed fetches in between (the site was down a day) are no edit, and neither is the
    first reading after them."""
    return (
        snapshots_latest_first(**owner)
        .filter(error="")
        .exclude(text="")
        .only("id", "fetched_at", "text", "source_id", "evidence_id")
        .first()
    )


def _relevance(target: Source | Evidence, page: PageFetch) -> float | None:
    """How much the page has of the words of the link that cites it (sources only)."""
    if not isinstance(target, Source) or page.status != SourceStatus.OK:
        return None
    return anchor_relevance(target.anchor_text, page.title, page.text)


RunOutcome = Literal["skipped", "wait", "busy", "retry", "read", "done"]


@dataclass
class FetchRun:
    outcome: RunOutcome
    page: PageFetch | None = None
    snapshot: SourceSnapshot | None = None
    attempts: int = 0  # of the current fetch, this one included
    wait_until: datetime | None = None  # "wait": when the other copy's lease ends
    retry_in: float = 0.0  # "busy" and "retry": seconds until the row is due again


def run_fetch(
    model: FetchableModel,
    pk: int,
    *,
    task_id: str,
    run: int = 0,
    final_attempt: bool | None = None,
    read: bool = True,
) -> FetchRun:
    """Claim, fetch and store one row: what a fetch task does, without Celery.

    Outcomes: ``skipped`` (not ours), ``wait`` (another copy of this task holds the row
    until ``wait_until``), ``busy`` (the site had no free slot; put back, attempt not
    counted), ``retry`` (a transient failure; put back) and ``done``; ``busy`` and
    ``retry`` rows are due again in ``retry_in`` seconds. The last attempt is the one
    after FETCH_MAX_RETRIES retries, unless ``final_attempt`` says otherwise.

    ``read=False`` stops after the download of a page that needs reading: its body is
    stored and the outcome is ``read``, for ``run_read`` (in another worker) to finish
    under the same claim. Waiting on sites and computing then run in pools that suit each.
    """
    target = claim(model, pk, task_id=task_id, run=run)
    if target is None:
        held_until = lease_held_until(model, pk, task_id=task_id)
        return FetchRun("wait" if held_until else "skipped", wait_until=held_until)
    attempts = target.fetch_attempts
    if attempts > max_attempts():
        # Only a worker that died during the last attempt gets here (a page that kills
        # workers, say): give up rather than try forever.
        page = PageFetch(
            status=SourceStatus.FAILED,
            detail=f"Gave up after {attempts - 1} attempts that did not finish",
        )
        page.error = page.detail
        snapshot = finish(target, task_id=task_id, page=page)
        return FetchRun("done", page=page, snapshot=snapshot, attempts=attempts)
    _give_back_pooled_connection()  # the download may wait on the site for a while
    page = download_page(target.url)
    if page.unread and read:
        page = read_page(page)
    logger.info(
        "fetched",
        extra={
            "model": model.__name__,
            "id": pk,
            "url": target.url,
            "status": page.status,
            "http_status": page.http_status,
            "transient": page.transient,
            "host_busy": page.host_busy,
            "attempt": attempts,
        },
    )
    if page.host_busy:
        retry_in = busy_delay(page.retry_after)
        due_at = timezone.now() + timedelta(seconds=retry_in)
        release_for_retry(target, task_id=task_id, page=page, due_at=due_at, count_attempt=False)
        return FetchRun("busy", page=page, attempts=attempts - 1, retry_in=retry_in)
    last = attempts >= max_attempts() if final_attempt is None else final_attempt
    if page.transient and not last:
        retry_in = backoff_seconds(attempts - 1, page.retry_after)
        due_at = timezone.now() + timedelta(seconds=retry_in)
        release_for_retry(target, task_id=task_id, page=page, due_at=due_at)
        return FetchRun("retry", page=page, attempts=attempts, retry_in=retry_in)
    if page.unread:
        store_body(page.body)
        page.body_stored = True
        return FetchRun("read", page=page, attempts=attempts)
    snapshot = finish(target, task_id=task_id, page=page)
    return FetchRun("done", page=page, snapshot=snapshot, attempts=attempts)


def _give_back_pooled_connection() -> None:
    """A pooled connection goes back to the pool (cheap) for others to use meanwhile."""
    if connection.settings_dict.get("OPTIONS", {}).get("pool") and not connection.in_atomic_block:
        connection.close()


def run_read(
    model: FetchableModel, pk: int, *, task_id: str, downloaded: dict[str, object]
) -> FetchRun:
    """Read a page that ``run_fetch(read=False)`` downloaded, and store the outcome.

    ``downloaded`` is ``handed_over(page)``. Skipped when the claim is no longer that
    task's (its lease ran out and another fetch took the row over, or it was reset).
    """
    target = model.objects.filter(
        pk=pk, status=SourceStatus.FETCHING, fetch_task_id=task_id
    ).first()
    if target is None:
        return FetchRun("skipped")
    sha256 = str(downloaded.get("sha256", ""))
    body = read_body(sha256) if sha256 else None
    if body is None:  # pruned or lost in between: download it again, here
        page = fetch_page(target.url)
    else:
        fields = {name: downloaded[name] for name in HANDED_OVER if name in downloaded}
        page = read_page(
            PageFetch(status=SourceStatus.OK, body=body, body_stored=True, **fields)  # type: ignore[arg-type]
        )
    snapshot = finish(target, task_id=task_id, page=page)
    return FetchRun("done", page=page, snapshot=snapshot, attempts=target.fetch_attempts)


# --- Periodic rechecks ------------------------------------------------------------

RECHECK_BATCH = 1000


def lost_after() -> timedelta:
    return timedelta(seconds=settings.FETCH_LOST_AFTER_SECONDS)


def unsent_grace() -> timedelta:
    """How long a row made pending may wait for its job to be handed to the broker.

    The request that made it pending sends the job as soon as it commits; a row still
    without one a minute later (or FETCH_LOST_AFTER_SECONDS, if shorter) never got it:
    the broker was down.
    """
    return min(timedelta(minutes=1), lost_after())


def lost_jobs(now: datetime) -> Q:
    """Rows with no live job: overdue pending rows, never-sent ones, abandoned claims."""
    return (
        Q(status=SourceStatus.PENDING, fetch_due_at__lt=now - lost_after())
        | Q(
            status=SourceStatus.PENDING,
            fetch_due_at__isnull=True,
            updated_at__lt=now - unsent_grace(),
        )
        | Q(status=SourceStatus.FETCHING, fetch_started_at__lt=now - max(lease(), lost_after()))
    )


def due_for_fetch(model: FetchableModel, *, now: datetime | None = None) -> list[int]:
    """Rows to (re)fetch now: fetched long ago (links die), or whose job was lost.

    Marks them pending, with no job handed over yet, and returns their ids. The rows are
    locked while they change, and locked rows are skipped, so a worker claiming one or
    another recheck running at the same time never sees it half done.
    """
    now = now or timezone.now()
    stale = now - timedelta(hours=settings.FETCH_RECHECK_AFTER_HOURS)
    due = lost_jobs(now) | Q(
        status__in=[SourceStatus.OK, SourceStatus.DEAD, SourceStatus.FAILED],
        last_fetched_at__lt=stale,
    )
    with transaction.atomic():
        ids = list(
            model.objects.filter(due)
            .select_for_update(skip_locked=True)
            .order_by(F("last_fetched_at").asc(nulls_first=True), "pk")
            .values_list("pk", flat=True)[:RECHECK_BATCH]
        )
        model.objects.filter(pk__in=ids).update(
            status=SourceStatus.PENDING,
            fetch_task_id="",
            fetch_task_run=0,
            fetch_started_at=None,
            fetch_due_at=None,
        )
    return ids
