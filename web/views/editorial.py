"""The editorial side of the claim page: moving a claim through its statuses, publishing,
assigning reviewers and the discussion (the services of ``editorial`` decide)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from claims.models import Claim, ClaimStatus
from claims.services.links import claims_link, claims_unlink
from claims.transitions import transition_for
from editorial.models import CorrectionRequestStatus
from editorial.selectors import correction_request_list, open_correction_requests
from editorial.services.assignments import claim_assign
from editorial.services.comments import comment_create
from editorial.services.correction_requests import correction_request_handle
from editorial.services.workflow import claim_publish, claim_transition, claim_unpublish
from notifications.mentions import mentions_in
from web import forms, selectors
from web.views.claims import claim_form_failed, claim_or_404
from web.views.common import go, reviewer_required


def _back(request: HttpRequest, claim_id: int, anchor: str, message: str) -> HttpResponse:
    messages.success(request, message)
    return go(request, reverse("web:claim", args=[claim_id]) + anchor)


@require_POST
@reviewer_required
def claim_move(request: HttpRequest, claim_id: int) -> HttpResponse:
    claim = claim_or_404(claim_id)
    transition = transition_for(claim.status, request.POST.get("to", ""))
    noted = transition.target if transition and transition.note_required else ""
    form = forms.MoveForm(request.POST, note_required_for=noted)
    if form.is_valid():
        to = form.cleaned_data["to"]
        try:
            claim_transition(claim=claim, to_status=to, user=request.user, **_note(form))
        except ValidationError as exc:
            forms.add_service_error(form, exc)
        else:
            label = ClaimStatus(to).label.lower()
            return _back(request, claim.pk, "#workflow", f"The claim is now {label}.")
    return claim_form_failed(request, claim, form, name="move_form")


def _note(form: forms.forms.Form) -> dict[str, str]:
    return {"note": form.cleaned_data.get("note") or ""}


@require_POST
@reviewer_required
def claim_publish_view(request: HttpRequest, claim_id: int) -> HttpResponse:
    claim = claim_or_404(claim_id)
    if claim.status == ClaimStatus.PUBLISHED:
        return _claim_correct(request, claim)
    form = forms.PublishForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        partner_id = data.pop("reused_from")
        partner = Claim.objects.select_related("article").filter(pk=partner_id).first()
        try:
            if partner_id and partner is None:
                raise ValidationError(f"No claim with id {partner_id}: its verdict is not reused.")
            claim_publish(claim=claim, editor=request.user, reused_from=partner, **data)
        except ValidationError as exc:
            forms.add_service_error(form, exc)
        else:
            return _back(request, claim.pk, "#workflow", "Published.")
    return claim_form_failed(request, claim, form, name="publish_form")


def _claim_correct(request: HttpRequest, claim: Claim) -> HttpResponse:
    """Publishing on a published claim corrects it (the service asks for the note)."""
    form = forms.CorrectionForm(request.POST, requests=open_correction_requests(claim=claim))
    if form.is_valid():
        try:
            claim_publish(claim=claim, editor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            forms.add_service_error(form, exc)
        else:
            return _back(request, claim.pk, "#workflow", "Corrected; the public page shows it.")
    return claim_form_failed(request, claim, form, name="correct_form")


@require_POST
@reviewer_required
def correction_request_view(request: HttpRequest, claim_id: int, request_id: int) -> HttpResponse:
    claim = claim_or_404(claim_id)
    report = get_object_or_404(correction_request_list(claim=claim), pk=request_id)
    form = forms.CorrectionRequestForm(request.POST)
    if form.is_valid():
        try:
            correction_request_handle(
                correction_request=report, editor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            forms.add_service_error(form, exc)
        else:
            label = CorrectionRequestStatus(report.status).label.lower()
            return _back(request, claim.pk, "#reports", f"The report is {label}.")
    context = {"report_id": str(report.pk)}
    return claim_form_failed(request, claim, form, name="report_form", context=context)


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
    return claim_form_failed(request, claim, form, name="unpublish_form")


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
    return claim_form_failed(request, claim, form, name="assign_form")


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
            _warn_unreached_mentions(request, form.cleaned_data["body"])
            return _back(request, claim.pk, "#discussion", "Comment posted.")
    return claim_form_failed(request, claim, form, name="comment_form")


def _warn_unreached_mentions(request: HttpRequest, body: str) -> None:
    unreached = mentions_in(body).unreached
    if unreached:
        names = ", ".join(f"@{name}" for name in unreached)
        messages.warning(
            request,
            ngettext(
                "%(names)s is not a reviewer or editor: they were not notified.",
                "%(names)s are not reviewers or editors: they were not notified.",
                len(unreached),
            )
            % {"names": names},
        )


@require_POST
@reviewer_required
def claim_link_view(request: HttpRequest, claim_id: int) -> HttpResponse:
    claim = claim_or_404(claim_id)
    form = forms.SameClaimForm(request.POST)
    if form.is_valid():
        other_id = form.cleaned_data["claim"]
        other = Claim.objects.select_related("article").filter(pk=other_id).first()
        try:
            if other is None:
                raise ValidationError({"claim": f"No claim with id {other_id}."})
            claims_link(claim=claim, other=other, user=request.user)
        except ValidationError as exc:
            forms.add_service_error(form, exc)
        else:
            message = f"{other.label} of “{other.article.title}” is linked as the same claim."
            return _back(request, claim.pk, "#same-claim", message)
    return claim_form_failed(request, claim, form, name="link_form")


@require_POST
@reviewer_required
def claim_unlink_view(request: HttpRequest, claim_id: int, other_id: int) -> HttpResponse:
    claim = claim_or_404(claim_id)
    other = get_object_or_404(Claim.objects.select_related("article"), pk=other_id)
    try:
        claims_unlink(claim=claim, other=other, user=request.user)
    except ValidationError as exc:
        form = forms.SameClaimForm({"claim": other_id})
        form.is_valid()
        forms.add_service_error(form, exc)
        return claim_form_failed(request, claim, form, name="link_form")
    message = f"{other.label} of “{other.article.title}” is no longer linked."
    return _back(request, claim.pk, "#same-claim", message)
