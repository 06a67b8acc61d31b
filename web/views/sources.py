"""Supplying the URL of a cited source, and asking for it to be fetched again."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from claims import policies
from claims.models import Source
from claims.services.sources import source_request_fetch, source_set_url
from web import forms
from web.selectors import IN_FLIGHT, article_sources
from web.source_rows import SourceRows
from web.views.common import go, is_htmx, reviewer_required


def _row(
    request: HttpRequest, source: Source, form: forms.SourceUrlForm | None = None
) -> HttpResponse:
    """The source's row in the reader's panel, with the poller turned on while it is fetched."""
    source = article_sources(source.article).get(pk=source.pk)
    rows = SourceRows(
        request, may_set_urls=policies.can_set_source_urls_of(request.user, source.article)
    )
    context = {
        "row": rows.row(source, url_form=form),
        "article": source.article,
        "polling": source.status in IN_FLIGHT,
    }
    return render(request, "web/article/_source_row.html", context)


def _back(request: HttpRequest, source: Source) -> HttpResponse:
    return go(request, reverse("web:article", args=[source.article_id]) + f"#source-{source.pk}")


@require_POST
@reviewer_required
def source_url(request: HttpRequest, source_id: int) -> HttpResponse:
    source = get_object_or_404(
        Source.objects.select_related("article").defer("article__source_text", "article__text"),
        pk=source_id,
    )
    form = forms.SourceUrlForm(request.POST)
    if form.is_valid():
        try:
            source_set_url(source=source, url=form.cleaned_data["url"], user=request.user)
        except ValidationError as exc:
            forms.add_service_error(form, exc)
    if is_htmx(request):
        return _row(request, source, form if form.errors else None)
    if form.errors:
        for errors in form.errors.values():
            messages.error(request, " ".join(str(error) for error in errors))
    else:
        messages.success(request, f"Source {source.position} will be fetched from its new URL.")
    return _back(request, source)


@require_POST
@reviewer_required
def source_fetch(request: HttpRequest, source_id: int) -> HttpResponse:
    source = get_object_or_404(
        Source.objects.select_related("article").defer("article__source_text", "article__text"),
        pk=source_id,
    )
    try:
        source_request_fetch(source=source, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    if is_htmx(request):
        return _row(request, source)
    return _back(request, source)
