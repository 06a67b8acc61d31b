"""Importing an article, reading it with its claims and sources, marking a claim in it."""

from __future__ import annotations

import base64
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseClientRefresh

from claims import policies
from claims.errors import AmbiguousQuote, DuplicateArticle
from claims.models import AnchorState, Article, ImportStatus
from claims.services.articles import article_import, article_update
from claims.services.claims import claim_create
from claims.services.revisions import is_url_imported
from claims.services.suggestions import article_suggestions, suggestion_dismiss
from memory.selectors import article_checked_before
from texts.structure import header_blocks
from web import forms, selectors
from web.reader import ClaimMark, SourceMark, excerpt, render_article, render_claim_list
from web.source_rows import SourceRows
from web.verdicts import LEGEND, checked_before_text, claim_look_for
from web.views.common import failed_forms, go, is_htmx, reviewer_required
from web.views.live import article_live_context

IMPORT_FORMS: dict[str, type[forms.forms.Form]] = {
    "paste": forms.ImportTextForm,
    "file": forms.ImportFileForm,
    "url": forms.ImportUrlForm,
}


def _import(form: forms.forms.Form, user: Any) -> Article:
    data = form.cleaned_data
    upload = data.get("file")
    kept = data.get("kept_file")
    return article_import(
        content=data.get("content") if kept is None else kept,
        upload=upload,
        filename=upload.name if upload else data.get("kept_name") or None,
        url=data.get("url") or "",
        source_format=data.get("source_format") or None,
        title=data["title"],
        byline=data["byline"],
        publisher=data["publisher"],
        published_on=data["published_on"],
        imported_by=user,
        force=data["force"],
    )


def _kept_file(form: forms.forms.Form) -> dict[str, Any] | None:
    """The file sent, to send back with "Import it again anyway": name, size, base64."""
    data = form.cleaned_data
    if upload := data.get("file"):
        upload.seek(0)
        name, content = upload.name or "", upload.read()
    elif data.get("kept_file") is not None:
        name, content = data.get("kept_name") or "", data["kept_file"]
    else:
        return None
    return {"name": name, "size": len(content), "base64": base64.b64encode(content).decode()}


@require_http_methods(["GET", "HEAD", "POST"])
@reviewer_required
def article_import_page(request: HttpRequest) -> HttpResponse:
    via = request.POST.get("via") or request.GET.get("via") or "paste"
    if via not in IMPORT_FORMS:
        via = "paste"
    duplicate = kept = None
    form = IMPORT_FORMS[via](request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            article = _import(form, request.user)
        except DuplicateArticle as exc:
            duplicate = exc.existing
            kept = _kept_file(form)
        except ValidationError as exc:
            field = {"paste": "content", "file": "file", "url": "url"}[via]
            if not hasattr(exc, "error_dict"):
                exc = ValidationError({field: exc.messages})
            forms.add_service_error(form, exc)
        else:
            messages.success(request, f"Imported “{article.title}”.")
            return go(request, reverse("web:article", args=[article.pk]))
    context = {
        "form": form,
        "via": via,
        "duplicate": duplicate,
        "kept": kept,
        "max_bytes": settings.IMPORT_MAX_BYTES,
    }
    return render(request, "web/import.html", context, status=422 if form.errors else 200)


SUGGESTIONS_SHOWN = 10


def reader_context(request: HttpRequest, article: Article) -> dict[str, Any]:
    sources = list(selectors.article_sources(article))
    every_claim = list(selectors.article_claims(article, request.user))
    claims = [c for c in every_claim if c.anchor_state != AnchorState.ORPHANED]
    orphaned = [c for c in every_claim if c.anchor_state == AnchorState.ORPHANED]
    revisions = list(selectors.article_revisions(article))
    claims_url = reverse("web:claims")  # reverse() for each of hundreds of claims is slow
    for claim in orphaned:
        claim.url = f"{claims_url}{claim.pk}/"  # type: ignore[attr-defined]
    seen_before = article_checked_before(article, user=request.user)
    marks = []
    for claim in claims:
        seen = seen_before.get(claim.pk)
        claim.checked_before = checked_before_text(seen) if seen else ""  # type: ignore[attr-defined]
        look = claim_look_for(request.user, claim)
        claim.article = article  # one article, not one copy per claim
        claim.look = look  # type: ignore[attr-defined]
        claim.url = f"{claims_url}{claim.pk}/"  # type: ignore[attr-defined]
        claim.excerpt = excerpt(claim.quote, 160)  # type: ignore[attr-defined]
        marks.append(
            ClaimMark(
                id=claim.pk,
                number=claim.number,
                start=claim.start,
                end=claim.end,
                look=look.key,
                label=f"Claim {claim.label}: {look.label}",
                url=claim.url,  # type: ignore[attr-defined]
                checked_before=claim.checked_before,  # type: ignore[attr-defined]
            )
        )
    source_marks = [SourceMark(s.pk, s.position, s.start, s.end) for s in sources if s.in_text]
    may_revise = policies.can_revise_article(request.user, article)
    may_set_urls = policies.can_set_source_urls_of(request.user, article)
    suggestions = suggestions_context(request, article)
    return {
        "article": article,
        "body": render_article(
            article.text,
            marks,
            source_marks,
            structure=article.structure,
            header=header_blocks(
                article.text,
                article.structure,
                title=article.title,
                byline=article.byline,
                publisher=article.publisher,
            ),
            suggested=[(s.start, s.end) for s in suggestions["suggestions"]],
        ),
        "claims": claims,
        "claim_list": render_claim_list(claims),
        "orphaned": orphaned,
        "revisions": revisions,
        "revision_form": forms.RevisionForm() if may_revise else None,
        "may_revise": may_revise,
        "may_check_for_updates": may_revise and is_url_imported(revisions),
        "sources": sources,
        "source_rows": SourceRows(request, may_set_urls=may_set_urls).rows(sources),
        "polling": selectors.sources_in_flight(sources),
        "legend": LEGEND,
        "claim_form": forms.ClaimCreateForm(article=article),
        "source_choices": sources,
        "status_form": forms.ArticleStatusForm(initial={"status": article.status})
        if policies.can_change_article_status(request.user, article)
        else None,
        "details_form": forms.ArticleMetadataForm(instance=article)
        if policies.can_change_article(request.user, article)
        else None,
        "moving": _claim_to_move(request, claims),
        **suggestions,
    }


def suggestions_context(request: HttpRequest, article: Article) -> dict[str, Any]:
    return {
        "suggestions": article_suggestions(article=article, limit=SUGGESTIONS_SHOWN),
        "may_dismiss_suggestions": policies.can_dismiss_suggestion(request.user),
    }


def _claim_to_move(request: HttpRequest, claims: list[Any]) -> Any:
    """``?move=<claim id>``: the reader asks for the claim's new passage to be selected."""
    wanted = request.GET.get("move", "")
    claim = next((c for c in claims if str(c.pk) == wanted), None)
    if claim is None or not policies.can_change_claim(request.user, claim):
        return None
    rated = bool(claim.ratings_count)
    return claim if policies.can_change_claim_span(request.user, claim, has_ratings=rated) else None


@require_safe
@reviewer_required
def article_reader(request: HttpRequest, article_id: int) -> HttpResponse:
    article = get_object_or_404(Article.objects.select_related("imported_by"), pk=article_id)
    context = article_live_context(request, article) | reader_context(request, article)
    failed = failed_forms(
        request,
        {
            "details_form": lambda data: forms.ArticleMetadataForm(data, instance=article),
            "revision_form": forms.RevisionForm,
        },
    )
    if "details_form" in failed:  # the page shows what is stored, the form what was sent
        context |= {"details_form": failed["details_form"], "details_open": True}
    if "revision_form" in failed:
        context |= {"revision_form": failed["revision_form"], "revision_open": True}
    return render(request, "web/article.html", context)


@require_POST
@reviewer_required
def article_status(request: HttpRequest, article_id: int) -> HttpResponse:
    article = get_object_or_404(Article.objects.defer("source_text", "text"), pk=article_id)
    form = forms.ArticleStatusForm(request.POST)
    if form.is_valid():
        article_update(article=article, user=request.user, status=form.cleaned_data["status"])
        messages.success(request, f"The article is now {article.get_status_display().lower()}.")
    else:
        messages.error(request, "Choose draft, in review or published.")
    return go(request, reverse("web:article", args=[article.pk]))


@require_safe
@reviewer_required
def article_import_status(request: HttpRequest, article_id: int) -> HttpResponse:
    """Polled while a worker fetches an article imported from its URL."""
    article = get_object_or_404(Article.objects.defer("source_text", "text"), pk=article_id)
    if article.import_status != ImportStatus.FETCHING:
        return HttpResponseClientRefresh()
    return render(request, "web/article/_import_status.html", {"article": article})


@require_safe
@reviewer_required
def sources_state(request: HttpRequest, article_id: int) -> HttpResponse:
    """Polled while sources are being fetched: their states, swapped in place."""
    article = get_object_or_404(Article.objects.defer("source_text", "text"), pk=article_id)
    sources = list(selectors.article_sources(article))
    rows = SourceRows(request, may_set_urls=policies.can_set_source_urls_of(request.user, article))
    context = {
        "article": article,
        "sources": sources,
        "states": rows.states(sources),
        "polling": selectors.sources_in_flight(sources),
    }
    return render(request, "web/article/_sources_state.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@reviewer_required
def claim_create_page(request: HttpRequest, article_id: int) -> HttpResponse:
    article = get_object_or_404(Article, pk=article_id)
    form = forms.ClaimCreateForm(request.POST or None, article=article)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            claim = claim_create(
                article=article,
                created_by=request.user,
                quote=data["quote"] or "",
                start=data["start"],
                end=data["end"],
                kind=data["kind"],
                sources=data["sources"],
                claimant=form.claimant_choice(),
                summary=data["summary"],
            )
        except AmbiguousQuote as exc:
            form.add_error(
                "quote",
                f"These words appear {len(exc.spans)} times in the article: select the passage "
                "in the text, or type more of the sentence.",
            )
        except ValidationError as exc:
            forms.add_service_error(form, exc)
        else:
            messages.success(request, "Claim marked. Add evidence or rate it from its page.")
            for warning in form.warnings:
                messages.warning(request, warning)
            # The query string makes the browser load the page again (a new hash alone
            # would only scroll), so the new claim shows highlighted.
            url = reverse("web:article", args=[article.pk]) + f"?marked={claim.pk}#hl-{claim.pk}"
            return go(request, url)
    template = "web/article/_claim_form.html" if is_htmx(request) else "web/claim_new.html"
    context = {
        "article": article,
        "claim_form": form,
        "source_choices": article.sources.order_by("position"),
    }
    return render(request, template, context, status=422 if form.errors else 200)


@require_POST
@reviewer_required
def suggestion_dismiss_view(request: HttpRequest, article_id: int) -> HttpResponse:
    """Hide a suggested claim for the team; HTMX gets the list again, others the page."""
    article = get_object_or_404(Article, pk=article_id)
    form = forms.SuggestionDismissForm(request.POST)
    if not form.is_valid():
        messages.error(request, "That suggestion could not be found: reload the page.")
    else:
        try:
            suggestion_dismiss(article=article, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except PermissionDenied as exc:
            messages.error(request, str(exc))
    if is_htmx(request):
        context = {"article": article, **suggestions_context(request, article)}
        return render(request, "web/article/_suggestions.html", context)
    return go(request, reverse("web:article", args=[article.pk]) + "#suggestions")
