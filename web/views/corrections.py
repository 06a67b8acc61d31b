"""Correcting what was recorded: a claim's kind, sources and passage, deleting it,
evidence, comments, withdrawing a rating, an article's details. The services decide who
may; a refusal is a 403 page, bad input comes back as the form with its errors."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_POST

from claims.errors import AmbiguousQuote
from claims.models import Article, Claim, Evidence
from claims.services.articles import article_update
from claims.services.claims import claim_delete, claim_update
from claims.services.evidence import evidence_delete, evidence_update
from editorial.models import Comment
from editorial.services.comments import comment_delete, comment_update
from editorial.services.ratings import rating_withdraw
from web import forms
from web.views.claims import claim_form_failed, claim_or_404
from web.views.common import form_failed, go, reviewer_required


def _claim_url(claim: Claim, anchor: str = "") -> str:
    return reverse("web:claim", args=[claim.pk]) + anchor


@require_POST
@reviewer_required
def claim_edit(request: HttpRequest, claim_id: int) -> HttpResponse:
    claim = claim_or_404(claim_id)
    form = forms.ClaimEditForm(request.POST, article=claim.article)
    if form.is_valid():
        try:
            claim_update(claim=claim, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            forms.add_service_error(form, exc)
        else:
            messages.success(request, "The claim was corrected.")
            return go(request, _claim_url(claim))
    return claim_form_failed(request, claim, form, name="claim_edit_form")


@require_POST
@reviewer_required
def claim_span(request: HttpRequest, claim_id: int) -> HttpResponse:
    """Move the claim to another passage: typed on the claim page, or selected in the reader."""
    claim = claim_or_404(claim_id)
    form = forms.ClaimSpanForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            claim_update(
                claim=claim,
                user=request.user,
                quote=data["quote"] or "",
                start=data["start"],
                end=data["end"],
            )
        except AmbiguousQuote as exc:
            form.add_error(
                "quote",
                f"These words appear {len(exc.spans)} times in the article: type more of "
                "the sentence, or select the passage in the reader.",
            )
        except ValidationError as exc:
            forms.add_service_error(form, exc)
        else:
            messages.success(request, "The claim now stands on the new passage.")
            return go(request, _claim_url(claim))
    return claim_form_failed(request, claim, form, name="span_form")


@require_POST
@reviewer_required
def claim_remove(request: HttpRequest, claim_id: int) -> HttpResponse:
    claim = claim_or_404(claim_id)
    claim_delete(claim=claim, user=request.user)
    messages.success(request, "The claim was deleted; its history keeps it.")
    return go(request, reverse("web:article", args=[claim.article_id]))


def _evidence_or_404(claim: Claim, evidence_id: int) -> Evidence:
    evidence = Evidence.objects.filter(claim=claim, pk=evidence_id).first()
    if evidence is None:
        raise Http404("No such evidence for this claim.")
    return evidence


@require_POST
@reviewer_required
def evidence_edit(request: HttpRequest, claim_id: int, evidence_id: int) -> HttpResponse:
    claim = claim_or_404(claim_id)
    evidence = _evidence_or_404(claim, evidence_id)
    form = forms.EvidenceEditForm(request.POST, evidence_id=evidence.pk)
    if form.is_valid():
        try:
            evidence_update(evidence=evidence, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            forms.add_service_error(form, exc)
        else:
            messages.success(request, "Evidence corrected.")
            return go(request, _claim_url(claim, f"#evidence-{evidence.pk}"))
    context = {"evidence_id": str(evidence.pk)}
    return claim_form_failed(request, claim, form, name="evidence_edit_form", context=context)


@require_POST
@reviewer_required
def evidence_remove(request: HttpRequest, claim_id: int, evidence_id: int) -> HttpResponse:
    claim = claim_or_404(claim_id)
    evidence_delete(evidence=_evidence_or_404(claim, evidence_id), user=request.user)
    messages.success(request, "Evidence deleted.")
    return go(request, _claim_url(claim, "#evidence"))


@require_POST
@reviewer_required
def rating_remove(request: HttpRequest, claim_id: int) -> HttpResponse:
    claim = claim_or_404(claim_id)
    if rating_withdraw(claim=claim, reviewer=request.user):
        messages.success(request, "Your rating was withdrawn.")
    else:
        messages.info(request, "You had not rated this claim.")
    return go(request, _claim_url(claim, "#ratings"))


def _comment_or_404(claim: Claim, comment_id: int) -> Comment:
    comment = Comment.objects.filter(claim=claim, pk=comment_id).first()
    if comment is None:
        raise Http404("No such comment on this claim.")
    return comment


@require_POST
@reviewer_required
def comment_edit(request: HttpRequest, claim_id: int, comment_id: int) -> HttpResponse:
    claim = claim_or_404(claim_id)
    comment = _comment_or_404(claim, comment_id)
    form = forms.CommentEditForm(request.POST, comment_id=comment.pk)
    if form.is_valid():
        try:
            comment_update(comment=comment, user=request.user, body=form.cleaned_data["body"])
        except ValidationError as exc:
            forms.add_service_error(form, exc)
        else:
            messages.success(request, "Comment edited.")
            return go(request, _claim_url(claim, f"#comment-{comment.pk}"))
    context = {"comment_id": str(comment.pk)}
    return claim_form_failed(request, claim, form, name="comment_edit_form", context=context)


@require_POST
@reviewer_required
def comment_remove(request: HttpRequest, claim_id: int, comment_id: int) -> HttpResponse:
    claim = claim_or_404(claim_id)
    comment_delete(comment=_comment_or_404(claim, comment_id), user=request.user)
    messages.success(request, "Comment deleted.")
    return go(request, _claim_url(claim, "#discussion"))


@require_POST
@reviewer_required
def article_details(request: HttpRequest, article_id: int) -> HttpResponse:
    article = get_object_or_404(Article.objects.select_related("imported_by"), pk=article_id)
    form = forms.ArticleMetadataForm(request.POST, instance=article)
    if form.is_valid():
        changes: dict[str, Any] = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            if changes:
                article_update(article=article, user=request.user, **changes)
        except ValidationError as exc:
            forms.add_service_error(form, exc)
        else:
            messages.success(request, "The article's details were saved.")
            return go(request, reverse("web:article", args=[article.pk]))
    return form_failed(
        request, form, name="details_form", url=reverse("web:article", args=[article.pk])
    )
