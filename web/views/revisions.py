"""An article's revisions in the reader: paste a new version, check its page for one, see
what changed, and settle the claims a revision could not place."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from claims.models import Article, ArticleRevision, Claim
from claims.services.revisions import (
    article_check_for_updates,
    article_revise,
    orphan_accept,
    orphan_dismiss,
)
from web import forms
from web.diff import text_diff
from web.views.common import form_failed, go, reviewer_required


def _reader(article_id: int, anchor: str = "") -> str:
    return reverse("web:article", args=[article_id]) + anchor


@require_POST
@reviewer_required
def revision_add(request: HttpRequest, article_id: int) -> HttpResponse:
    article = get_object_or_404(Article.objects.defer("source_text"), pk=article_id)
    form = forms.RevisionForm(request.POST)
    if form.is_valid():
        try:
            outcome = article_revise(
                article=article,
                user=request.user,
                content=form.cleaned_data["content"],
                source_format=form.cleaned_data["source_format"] or None,
            )
        except ValidationError as exc:
            forms.add_service_error(form, exc)
        else:
            if outcome.revision is None:
                messages.info(request, outcome.message)
            else:
                messages.success(request, outcome.message)
            return go(request, _reader(article.pk, "#revisions"))
    return form_failed(request, form, name="revision_form", url=_reader(article.pk))


@require_POST
@reviewer_required
def revision_check(request: HttpRequest, article_id: int) -> HttpResponse:
    """ "Check for updates": a worker fetches the page again."""
    article = get_object_or_404(Article.objects.defer("source_text", "text"), pk=article_id)
    try:
        article_check_for_updates(article=article, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.info(
            request,
            "The page is being fetched again: reload in a moment to see whether it changed.",
        )
    return go(request, _reader(article.pk, "#revisions"))


@require_safe
@reviewer_required
def revision_diff(request: HttpRequest, article_id: int, number: int) -> HttpResponse:
    """What changed from revision ``number`` to the latest (or to ``?to=``)."""
    article = get_object_or_404(Article.objects.defer("source_text"), pk=article_id)
    revisions = list(
        ArticleRevision.objects.filter(article=article)
        .defer("source_text", "structure")
        .order_by("-number")
    )
    by_number = {revision.number: revision for revision in revisions}
    to = request.GET.get("to", "")
    old = by_number.get(number)
    new = by_number.get(int(to)) if to.isdigit() else (revisions[0] if revisions else None)
    if old is None or new is None:
        raise Http404("No such revision.")
    context = {
        "article": article,
        "revisions": revisions,
        "old": old,
        "new": new,
        "blocks": text_diff(old.text, new.text),
    }
    return render(request, "web/article_diff.html", context)


def _claim(article_id: int, claim_id: int) -> Claim:
    claim = Claim.objects.select_related("article").filter(pk=claim_id).first()
    if claim is None or claim.article_id != article_id:
        raise Http404("No such claim.")
    return claim


@require_POST
@reviewer_required
def orphan_accept_view(request: HttpRequest, article_id: int, claim_id: int) -> HttpResponse:
    claim = _claim(article_id, claim_id)
    try:
        orphan_accept(claim=claim, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, f"Claim {claim.label} now stands on the passage offered: its words changed."
        )
    return go(request, _reader(article_id, "#orphaned"))


@require_POST
@reviewer_required
def orphan_dismiss_view(request: HttpRequest, article_id: int, claim_id: int) -> HttpResponse:
    claim = _claim(article_id, claim_id)
    try:
        orphan_dismiss(claim=claim, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Claim {claim.label} stays on the revision it was marked in.")
    return go(request, _reader(article_id, "#orphaned"))
