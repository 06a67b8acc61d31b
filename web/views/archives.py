"""Archived copies of fetched pages: a snapshot's text, its original page, its WARC file.

The original HTML is never served inside our pages' origin: the archive page frames it
in a sandboxed iframe (no scripts), from a URL whose response carries its own strict
policy (``csp_archived_original``: no script, nothing fetched, a sandbox of its own),
so neither a browser that ignores the frame's attribute nor a direct visit runs it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_safe

from claims import archives, policies
from claims.models import Evidence, Source, SourceSnapshot
from claims.selectors import snapshot_history
from fetching.warc import CONTENT_TYPE as WARC_CONTENT_TYPE
from web.csp import csp_archived_original
from web.views.common import reviewer_required

HISTORY_LENGTH = 50
PRUNED = "The raw body of this snapshot is no longer kept (see SNAPSHOT_BODY_RETENTION_DAYS)."


def archive_reader_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed-in users whom the archives policy lets in (others sign in, or get a 403)."""

    @wraps(view)
    @reviewer_required
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not policies.can_view_archives(request.user):
            raise PermissionDenied("Only reviewers and editors may read archived pages.")
        return view(request, *args, **kwargs)

    return wrapper


def _snapshot(snapshot_id: int) -> SourceSnapshot:
    return get_object_or_404(
        SourceSnapshot.objects.select_related("source__article", "evidence__claim").defer(
            "source__article__source_text",
            "source__article__text",
            "source__article__structure",
        ),
        pk=snapshot_id,
    )


@require_safe
@archive_reader_required
def snapshot_page(request: HttpRequest, snapshot_id: int) -> HttpResponse:
    snapshot = _snapshot(snapshot_id)
    owner: dict[str, Source | Evidence | None] = (
        {"source": snapshot.source} if snapshot.source_id else {"evidence": snapshot.evidence}
    )
    kept = archives.body_of(snapshot) is not None
    context = {
        "snapshot": snapshot,
        "source": snapshot.source,
        "evidence": snapshot.evidence,
        "body_kept": kept,
        "is_html": archives.is_html(snapshot),
        "pruned": snapshot.body_pruned_at is not None,
        "history": list(snapshot_history(**owner)[:HISTORY_LENGTH]),
    }
    return render(request, "web/snapshot.html", context)


@require_safe
@archive_reader_required
@xframe_options_sameorigin
@csp_archived_original
def snapshot_original(request: HttpRequest, snapshot_id: int) -> HttpResponse:
    """The body as fetched: HTML for the archive page's sandboxed frame, anything else
    (a PDF, text) as a download."""
    snapshot = _snapshot(snapshot_id)
    body = archives.body_of(snapshot)
    if body is None:
        raise Http404(PRUNED if snapshot.body_pruned_at else "This fetch got no body.")
    response = HttpResponse(body, content_type=archives.served_content_type(snapshot))
    response["X-Content-Type-Options"] = "nosniff"
    response["Referrer-Policy"] = "no-referrer"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private, no-store"
    if not archives.is_html(snapshot):
        response["Content-Disposition"] = f'attachment; filename="snapshot-{snapshot.pk}"'
    return response


@require_safe
@archive_reader_required
def snapshot_warc(request: HttpRequest, snapshot_id: int) -> HttpResponse:
    snapshot = _snapshot(snapshot_id)
    data = archives.warc_of(snapshot)
    if data is None:
        raise Http404(PRUNED if snapshot.body_pruned_at else "This fetch got no body.")
    response = HttpResponse(data, content_type=WARC_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{archives.warc_filename(snapshot)}"'
    return response
