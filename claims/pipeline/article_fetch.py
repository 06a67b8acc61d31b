"""Import an article from its URL: fetch the page safely, keep its main content and links."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from claims.models import Article, ArticleFormat, ArticleRevision, ImportStatus, RevisionOrigin
from claims.pipeline.article_store import article_fill_from_page, article_import_failed
from claims.pipeline.fetches import RECHECK_BATCH, fetch_policy, lost_after, unsent_grace
from claims.pipeline.revisions import revision_apply
from fetching import safe_http
from fetching.content import ArticlePage, article_from_html
from texts.extraction import extract_html


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
    fetched = fetch_page(article.url)
    if isinstance(fetched, ImportRun):
        return fetched
    if isinstance(fetched, str):
        article_import_failed(article_id=article_id, reason=fetched)
        return ImportRun("failed")
    page = fetched
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


def fetch_page(url: str) -> ArticlePage | ImportRun | str:
    """The article's page at ``url``; else a run to try again ("busy" or "retry"), or the
    reason it cannot be imported."""
    try:
        response = safe_http.fetch(url, policy=fetch_policy())
    except safe_http.HostBusy as exc:
        # Nothing was sent: try again soon, it is not an attempt.
        return ImportRun("busy", retry_after=exc.retry_after)
    except safe_http.FetchError as exc:
        if exc.transient:
            return ImportRun("retry", retry_after=0.0)
        return f"Could not fetch the page: {exc.reason}"
    code = response.status_code
    if code == 429 or code >= 500:
        return ImportRun("retry", retry_after=safe_http.retry_after_seconds(response) or 0.0)
    if code >= 400:
        return f"The page answered HTTP {code}."
    if response.truncated:
        return "The page is larger than the size limit."
    if response.content_type not in {"text/html", "application/xhtml+xml"}:
        return f"The URL is not a web page ({response.content_type or 'unknown type'})."
    return article_from_html(response.body, charset=response.charset, url=response.final_url)


@dataclass
class RecheckRun:
    outcome: str  # "skipped", "unchanged", "revised", "failed", "retry", "busy"
    retry_after: float | None = None
    source_ids: list[int] = field(default_factory=list)  # the new sources to fetch
    claim_ids: list[int] = field(default_factory=list)  # the quote claims to check again


def run_recheck(article_id: int, *, user: Any = None) -> RecheckRun:
    """Fetch an article's page again; a changed text becomes its next revision."""
    article = (
        Article.objects.filter(pk=article_id, import_status=ImportStatus.READY)
        .only("id", "url")
        .first()
    )
    if article is None or not article.url:
        return RecheckRun("skipped")
    fetched = fetch_page(article.url)
    if isinstance(fetched, ImportRun):
        return RecheckRun(fetched.outcome, retry_after=fetched.retry_after)
    if isinstance(fetched, str):
        revision_check_done(article_id, fetched)
        return RecheckRun("failed")
    try:
        revised = revision_apply(
            article_id=article_id,
            document=extract_html(fetched.html),
            source_text=fetched.html,
            source_format=ArticleFormat.HTML,
            origin=RevisionOrigin.URL,
            user=user,
        )
    except ValidationError as exc:
        revision_check_done(article_id, exc.messages[0])
        return RecheckRun("failed")
    revision_check_done(article_id, revised.message)
    return RecheckRun(
        "unchanged" if revised.revision is None else "revised",
        source_ids=revised.source_ids,
        claim_ids=revised.claim_ids,
    )


def revision_check_done(article_id: int, detail: str) -> None:
    Article.objects.filter(pk=article_id).update(
        revision_checked_at=timezone.now(), revision_check_detail=detail[:500]
    )


def url_imported() -> QuerySet[Article]:
    """Articles imported from their URL: the ones whose page can be fetched again."""
    first = ArticleRevision.objects.filter(article=OuterRef("pk"), number=1)
    return Article.objects.filter(
        Exists(first.filter(origin=RevisionOrigin.URL)), import_status=ImportStatus.READY
    ).exclude(url="")


def due_for_recheck(*, now: datetime | None = None) -> list[int]:
    """URL-imported articles not checked for a new revision in ARTICLE_RECHECK_AFTER_HOURS
    (none when it is 0); they are marked checked now, so the next beat does not send
    them again."""
    hours = settings.ARTICLE_RECHECK_AFTER_HOURS
    if not hours:
        return []
    now = now or timezone.now()
    since = now - timedelta(hours=hours)
    due = Q(revision_checked_at__lt=since)
    due |= Q(revision_checked_at__isnull=True, created_at__lt=since)
    with transaction.atomic():
        ids = list(
            url_imported()
            .filter(due)
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("pk")
            .values_list("pk", flat=True)[:RECHECK_BATCH]
        )
        Article.objects.filter(pk__in=ids).update(revision_checked_at=now)
    return ids


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
