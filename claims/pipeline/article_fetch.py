"""Import an article from its URL: fetch the page safely, keep its main content and links."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from claims.models import Article, ImportStatus
from claims.pipeline.article_store import article_fill_from_page, article_import_failed
from claims.pipeline.fetches import RECHECK_BATCH, fetch_policy, lost_after, unsent_grace
from fetching import safe_http
from fetching.content import article_from_html


@dataclass
class ImportRun:
    outcome: str  # "skipped", "imported", "failed", "retry", "busy" (the site had no free slot)
    # "retry": set when a transient failure is worth a retry; "busy": the fetcher's hint
    # of how long the site's requests hold a slot.
    retry_after: float | None = None
    source_ids: list[int] = field(default_factory=list)  # the imported sources to fetch


def run_import(article_id: int, *, task_id: str) -> ImportRun:
    article = Article.objects.filter(pk=article_id, import_status=ImportStatus.FETCHING).first()
    if article is None:
        return ImportRun("skipped")
    try:
        response = safe_http.fetch(article.url, policy=fetch_policy())
    except safe_http.HostBusy as exc:
        # Nothing was sent: try again soon, it is not an attempt.
        return ImportRun("busy", retry_after=exc.retry_after)
    except safe_http.FetchError as exc:
        if exc.transient:
            return ImportRun("retry", retry_after=0.0)
        article_import_failed(
            article_id=article_id, reason=f"Could not fetch the page: {exc.reason}"
        )
        return ImportRun("failed")
    code = response.status_code
    if code == 429 or code >= 500:
        return ImportRun("retry", retry_after=safe_http.retry_after_seconds(response) or 0.0)
    reason = ""
    if code >= 400:
        reason = f"The page answered HTTP {code}."
    elif response.truncated:
        reason = "The page is larger than the size limit."
    elif response.content_type not in {"text/html", "application/xhtml+xml"}:
        reason = f"The URL is not a web page ({response.content_type or 'unknown type'})."
    if reason:
        article_import_failed(article_id=article_id, reason=reason)
        return ImportRun("failed")
    page = article_from_html(response.body, charset=response.charset, url=response.final_url)
    source_ids = article_fill_from_page(
        article_id=article_id,
        html=page.html,
        title=page.title,
        byline=page.author,
        publisher=page.site_name,
        published=page.published,
    )
    if source_ids is None:
        return ImportRun("failed")
    return ImportRun("imported", source_ids=source_ids)


def give_up(article_id: int, *, task_id: str) -> None:
    article_import_failed(
        article_id=article_id, reason="The page could not be fetched after several attempts."
    )


def mark_handed_over(article_id: int, *, due_in: float = 0.0) -> None:
    """Record when the import job just handed to the broker is due to start."""
    Article.objects.filter(pk=article_id, import_status=ImportStatus.FETCHING).update(
        import_due_at=timezone.now() + timedelta(seconds=due_in)
    )


def due_for_import(*, now: datetime | None = None) -> list[int]:
    """Articles still waiting for their page whose job was lost (or never sent).

    Importing twice is harmless (``article_fill_from_page`` imports once), so the only
    cost of a job taken for lost while it is merely late is a second fetch of the page.
    """
    now = now or timezone.now()
    lost = Q(import_due_at__lt=now - lost_after()) | Q(
        import_due_at__isnull=True, updated_at__lt=now - unsent_grace()
    )
    with transaction.atomic():
        ids = list(
            Article.objects.filter(lost, import_status=ImportStatus.FETCHING)
            .select_for_update(skip_locked=True)
            .order_by("pk")
            .values_list("pk", flat=True)[:RECHECK_BATCH]
        )
        # Sent again below; until then no job is with the broker.
        Article.objects.filter(pk__in=ids).update(import_due_at=None)
    return ids
