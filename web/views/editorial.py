"""The editorial side of the claim page: moving a claim through its statuses, publishing,
assigning reviewers and the discussion (the services of ``editorial`` decide)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from claims.models import ClaimStatus
from editorial.services.assignments import claim_assign
from editorial.services.comments import comment_create
from editorial.services.workflow import claim_publish, claim_transition, claim_unpublish
from web import forms, selectors
from web.views.claims import claim_or_404, claim_page_response
from web.views.common import go, reviewer_required


def _back(request: HttpRequest, claim_id: int, anchor: str, message: str) -> HttpResponse:
    messages.success(request, message)
    return go(request, reverse("web:claim", args=[claim_id]) + anchor)


@require_POST
@reviewer_required
def claim_move(request: HttpRequest, claim_id: int) -> HttpResponse:
    claim = claim_or_404(claim_id)
    form = forms.MoveForm(request.POST)
    if form.is_valid():
        to = form.cleaned_data["to"]
        try:
            claim_transition(claim=claim, to_status=to, user=request.user, **_note(form))
        except ValidationError as exc:
            forms.add_service_error(form, exc)
        else:
            label = ClaimStatus(to).label.lower()
            return _back(request, claim.pk, "#workflow", f"The claim is now {label}.")
    return claim_page_response(request, claim, move_form=form)


def _note(form: forms.forms.Form) -> dict[str, str]:
    return {"note": form.cleaned_data.get("note") or ""}


@require_POST
@reviewer_required
def claim_publish_view(request: HttpRequest, claim_id: int) -> HttpResponse:
    claim = claim_or_404(claim_id)
    form = forms.PublishForm(request.POST)
    if form.is_valid():
        try:
            claim_publish(claim=claim, editor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            forms.add_service_error(form, exc)
        else:
            return _back(request, claim.pk, "#workflow", "Published.")
    return claim_page_response(request, claim, publish_form=form)


@require_POST
@reviewer_required
def claim_unpublish_view(request: HttpRequest, claim_id: int) -> HttpResponse:
    claim = claim_or_404(claim_id)
    form = forms.UnpublishForm(request.POST)
    if form.is_valid():
        try:
            claim_unpublish(claim=claim, editor=request.user, **_note(form))
        except ValidationError as exc:
            forms.add_service_error(form, exc)
        else:
            return _back(request, claim.pk, "#workflow", "Unpublished; the claim is ready again.")
    return claim_page_response(request, claim, unpublish_form=form)


@require_POST
@reviewer_required
def claim_assign_view(request: HttpRequest, claim_id: int) -> HttpResponse:
    claim = claim_or_404(claim_id)
    form = forms.AssignForm(request.POST, reviewers=selectors.eligible_reviewers())
    if form.is_valid():
        try:
            new = claim_assign(
                claim=claim, reviewers=form.cleaned_data["reviewers"], assigned_by=request.user
            )
        except ValidationError as exc:
            forms.add_service_error(form, exc)
        else:
            count = len(new)
            done = ngettext("%(n)d reviewer assigned.", "%(n)d reviewers assigned.", count)
            return _back(request, claim.pk, "#assignments", done % {"n": count})
    return claim_page_response(request, claim, assign_form=form)


@require_POST
@reviewer_required
def comment_add(request: HttpRequest, claim_id: int) -> HttpResponse:
    claim = claim_or_404(claim_id)
    form = forms.CommentForm(request.POST)
    if form.is_valid():
        try:
            comment_create(claim=claim, author=request.user, body=form.cleaned_data["body"])
        except ValidationError as exc:
            forms.add_service_error(form, exc)
        else:
            return _back(request, claim.pk, "#discussion", "Comment posted.")
    return claim_page_response(request, claim, comment_form=form)
