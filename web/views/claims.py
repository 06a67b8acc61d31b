"""The claim page (sources, quote checks, evidence, ratings, history) and claim search."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from claims import policies
from claims.models import Article, Claim, ClaimStatus, Rating
from claims.policies import is_public_claim
from claims.services.evidence import evidence_create
from claims.summaries import claim_warnings
from claims.transitions import targets_from, transition_for
from editorial.claimreview import publish_warnings
from editorial.selectors import assignment_list, comment_list, consensus_summary
from editorial.services.ratings import rating_submit
from texts.paragraphs import passage_span
from web import forms, selectors
from web.history import claim_history
from web.reader import ClaimMark, render_article
from web.verdicts import claim_look
from web.views.common import go, reviewer_required

CLAIMS_PER_PAGE = 50
MOVE_LABELS: dict[tuple[str, str], str] = {
    (ClaimStatus.OPEN, ClaimStatus.IN_REVIEW): "Start review",
    (ClaimStatus.IN_REVIEW, ClaimStatus.READY): "Mark ready",
    (ClaimStatus.IN_REVIEW, ClaimStatus.OPEN): "Back to open",
    (ClaimStatus.READY, ClaimStatus.IN_REVIEW): "Back to review",
    (ClaimStatus.REJECTED, ClaimStatus.OPEN): "Reopen",
}


def claim_or_404(claim_id: int) -> Claim:
    claim = selectors.claim_for_page(claim_id)
    if claim is None:
        raise Http404("No such claim.")
    return claim


def claim_in_context(claim: Claim) -> Any:
    """The paragraph(s) the claim stands in, with the claim highlighted."""
    text = claim.article.text
    start, end = passage_span(text, claim.start, claim.end)
    look = claim_look(claim)
    mark = ClaimMark(
        id=claim.pk,
        number=0,
        start=claim.start - start,
        end=claim.end - start,
        look=look.key,
        label=look.label,
        url="#",
    )
    return render_article(text[start:end], [mark], [], markers=False)


def claim_page_response(request: HttpRequest, claim: Claim, **forms_: Any) -> HttpResponse:
    """The claim page; ``forms_`` are bound forms with errors, shown in place (422)."""
    ratings = list(selectors.claim_ratings(claim))
    mine = next((r for r in ratings if r.reviewer_id == request.user.pk), None)
    rating_form = forms_.get("rating_form") or forms.RatingForm(
        initial=_rating_initial(mine) if mine else None
    )
    context = {
        "claim": claim,
        "article": claim.article,
        "look": claim_look(claim),
        "passage": claim_in_context(claim),
        "sources": selectors.claim_sources(claim),
        "evidence": selectors.claim_evidence(claim),
        "ratings": ratings,
        "my_rating": mine,
        "evidence_form": forms_.get("evidence_form") or forms.EvidenceForm(),
        "rating_form": rating_form,
        "history": claim_history(claim),
        "describe_form": forms_.get("describe_form")
        or forms.ClaimDescribeForm(initial=forms.ClaimDescribeForm.initial_for(claim)),
        "can_describe": policies.can_describe_claim(request.user, claim),
        "claim_warnings": claim_warnings(claim),
        **_editorial_context(request, claim, forms_),
    }
    return render(request, "web/claim.html", context, status=422 if forms_ else 200)


def _editorial_context(request: HttpRequest, claim: Claim, bound: dict[str, Any]) -> dict[str, Any]:
    """Workflow moves the user may make, publishing, assignments and the discussion."""
    user = request.user
    moves = []
    for target in targets_from(claim.status):
        transition = transition_for(claim.status, target)
        if transition is None or transition.service:
            continue  # publishing and unpublishing have their own forms
        if policies.can_transition_claim(user, claim, target):
            label = MOVE_LABELS.get((claim.status, target), "Reject")
            moves.append({"to": target, "label": label, "note_required": transition.note_required})
    consensus = consensus_summary(claim)
    editor = policies.is_editor(user)
    return {
        "is_editor": editor,
        "moves": moves,
        "move_form": bound.get("move_form") or forms.MoveForm(),
        "can_publish": editor and claim.status == ClaimStatus.READY,
        "can_unpublish": editor and claim.status == ClaimStatus.PUBLISHED,
        "publish_form": bound.get("publish_form")
        or forms.PublishForm(initial={"verdict": consensus["verdict"]}),
        "unpublish_form": bound.get("unpublish_form") or forms.UnpublishForm(),
        "publish_warnings": publish_warnings(claim) if editor else [],
        "can_assign": policies.can_assign_reviewers(user, claim) and not claim.is_closed,
        "assign_form": bound.get("assign_form")
        or forms.AssignForm(reviewers=selectors.eligible_reviewers()),
        "assignments": list(assignment_list(claim=claim)),
        "comments": list(comment_list(claim=claim)),
        "comment_form": bound.get("comment_form") or forms.CommentForm(),
        "can_comment": policies.can_comment_on_claim(user, claim),
        "public_url": reverse("fact-check", args=[claim.pk]) if is_public_claim(claim) else "",
    }


def _rating_initial(rating: Rating) -> dict[str, str]:
    return {
        "verdict": rating.verdict,
        "confidence": rating.confidence,
        "rationale": rating.rationale,
    }


@require_safe
@reviewer_required
def claim_page(request: HttpRequest, claim_id: int) -> HttpResponse:
    return claim_page_response(request, claim_or_404(claim_id))


@require_POST
@reviewer_required
def evidence_add(request: HttpRequest, claim_id: int) -> HttpResponse:
    claim = claim_or_404(claim_id)
    form = forms.EvidenceForm(request.POST)
    if form.is_valid():
        try:
            evidence_create(claim=claim, author=request.user, **form.cleaned_data)
        except ValidationError as exc:
            forms.add_service_error(form, exc)
        else:
            messages.success(request, "Evidence added.")
            return go(request, reverse("web:claim", args=[claim.pk]) + "#evidence")
    return claim_page_response(request, claim, evidence_form=form)


@require_POST
@reviewer_required
def rating_save(request: HttpRequest, claim_id: int) -> HttpResponse:
    claim = claim_or_404(claim_id)
    form = forms.RatingForm(request.POST)
    if form.is_valid():
        try:
            _, created = rating_submit(claim=claim, reviewer=request.user, **form.cleaned_data)
        except ValidationError as exc:
            forms.add_service_error(form, exc)
        else:
            messages.success(request, "Rating saved." if created else "Your rating was updated.")
            return go(request, reverse("web:claim", args=[claim.pk]) + "#ratings")
    return claim_page_response(request, claim, rating_form=form)


@require_safe
@reviewer_required
def claim_search(request: HttpRequest) -> HttpResponse:
    form = forms.ClaimSearchForm(request.GET)
    filters: dict[str, Any] = {}
    article = None
    if form.is_valid():
        data = form.cleaned_data
        if data["article"]:
            article = (
                Article.objects.defer("source_text", "text").filter(pk=data["article"]).first()
            )
        filters = {
            "text": data["q"],
            "verdict": data["verdict"],
            "status": data["status"],
            "kind": data["kind"],
            "article_id": data["article"],
            "assigned_to_me": data["assigned"],
            "assigned_to": data["assignee"],
            "unrated_by_me": data["unrated"],
        }
    claims = selectors.search_claims(user=request.user, **filters)
    page = Paginator(claims, CLAIMS_PER_PAGE).get_page(request.GET.get("page"))
    for claim in page:
        claim.look = claim_look(claim)  # type: ignore[attr-defined]
    choices = [form["verdict"], form["status"], form["kind"], form["assignee"]]
    context = {"form": form, "filters": choices, "page": page, "article": article}
    return render(request, "web/claims.html", context)
