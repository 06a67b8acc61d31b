"""The claim page (sources, quote checks, evidence, ratings, history) and claim search."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from claims import policies
from claims.models import Claim, ClaimStatus, Evidence, Rating, SourceSnapshot
from claims.paging import RankedPaginator, rows_of_ids
from claims.policies import is_public_article, is_public_claim
from claims.services.evidence import evidence_create
from claims.summaries import claim_warnings
from claims.transitions import targets_from, transition_for
from editorial.claimreview import publish_warnings
from editorial.models import ConsensusState, CorrectionRequestStatus
from editorial.queues import QUEUES
from editorial.selectors import (
    LinkedClaim,
    assignment_list,
    consensus_summary,
    correction_request_list,
    linked_claims,
    open_correction_requests,
    publication_of,
    source_edits_since_publication,
)
from editorial.services.ratings import rating_submit
from editorial.services.workflow import lacks_support
from memory.selectors import checked_before
from texts.paragraphs import passage_span
from web import forms, selectors
from web.corrections import claim_corrections, evidence_corrections
from web.reader import ClaimMark, render_article
from web.verdicts import claim_look, claim_look_for, ratings_hidden
from web.views.claim_parts import (
    CLAIM_PAGE_PARTS,
    claim_parts_html,
    discussion_context,
    history_context,
)
from web.views.common import failed_forms, form_failed, go, reviewer_required
from web.views.live import claim_live_context

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


def claim_in_context(claim: Claim, *, hidden: bool = False) -> Any:
    """The paragraphs the claim stands in, with the claim highlighted."""
    text, article_structure = claim.anchored_document()
    start, end = passage_span(text, claim.start, claim.end)
    look = claim_look(claim, hidden=hidden)
    mark = ClaimMark(
        id=claim.pk,
        number=0,
        start=claim.start - start,
        end=claim.end - start,
        look=look.key,
        label=look.label,
        url="#",
    )
    structure = [
        [kind, span_start - start, span_end - start]
        for kind, span_start, span_end in article_structure
        if span_start < end and span_end > start
    ]
    return render_article(text[start:end], [mark], [], structure=structure, markers=False)


def claim_page_response(request: HttpRequest, claim: Claim, **forms_: Any) -> HttpResponse:
    """The claim page; ``forms_`` are the forms that failed on the POST that sent the
    browser here (``failed_forms``), shown with their errors."""
    ratings = list(selectors.claim_ratings(claim))
    mine = next((r for r in ratings if r.reviewer_id == request.user.pk), None)
    hidden = ratings_hidden(request.user, claim, has_rated=mine is not None)
    evidence = selectors.claim_evidence(claim)
    links = linked_claims(claim, user=request.user)
    rating_form = forms_.get("rating_form") or forms.RatingForm(
        initial=_rating_initial(mine) if mine else None
    )
    context = claim_live_context(request, claim) | {
        "claim": claim,
        "article": claim.article,
        "look": claim_look(claim, hidden=hidden),
        "passage": claim_in_context(claim, hidden=hidden),
        "sources": selectors.claim_sources(claim),
        "may_set_source_urls": policies.can_set_source_urls_of(request.user, claim.article),
        "evidence": evidence,
        "evidence_in_flight": selectors.evidence_in_flight(evidence),
        "ratings": [] if hidden else ratings,
        "ratings_total": len(ratings),
        "ratings_hidden": hidden,
        "my_rating": mine,
        "evidence_form": forms_.get("evidence_form") or forms.EvidenceForm(),
        "rating_form": rating_form,
        "describe_form": forms_.get("describe_form")
        or forms.ClaimDescribeForm(initial=forms.ClaimDescribeForm.initial_for(claim)),
        "can_describe": policies.can_describe_claim(request.user, claim),
        "claim_warnings": claim_warnings(claim),
        "checked_before": checked_before(claim, user=request.user),
        "source_edits": _source_edits(request, claim),
        **_same_claim_context(request, claim, links, forms_),
        **_editorial_context(
            request, claim, forms_, has_rated=mine is not None, reuse=_reuse(request, links, forms_)
        ),
        **discussion_context(request, claim, forms_),
        **history_context(claim, hidden=hidden),
    }
    context |= claim_corrections(
        request.user, claim, ratings=ratings, evidence=context["evidence"], bound=forms_
    )
    return render(request, "web/claim.html", context)


def _source_edits(request: HttpRequest, claim: Claim) -> list[SourceSnapshot]:
    """For its editors: the edits of the pages a published claim relies on, since then."""
    if claim.status != ClaimStatus.PUBLISHED or not (
        policies.can_see_source_changes_since_publication(request.user)
    ):
        return []
    edits = source_edits_since_publication(claim.pk).select_related("source", "evidence")
    return list(edits.defer("text", "request_headers", "response_headers").distinct()[:20])


def _same_claim_context(
    request: HttpRequest, claim: Claim, links: list[LinkedClaim], bound: dict[str, Any]
) -> dict[str, Any]:
    return {
        "links": links,
        "linked_ids": {link.claim.pk for link in links},
        "can_link": policies.can_link_claims(request.user),
        "link_form": bound.get("link_form") or forms.SameClaimForm(),
    }


def _reuse(
    request: HttpRequest, links: list[LinkedClaim], bound: dict[str, Any]
) -> dict[str, Any] | None:
    """ "Use the verdict of C3": the published linked claim asked for (``?reuse=<id>``, or
    the one of the publish form that failed), with its evidence that has a URL."""
    failed = bound.get("publish_form")
    wanted = str(failed.data.get("reused_from", "")) if failed else request.GET.get("reuse", "")
    partner = next(
        (link for link in links if link.published and str(link.claim.pk) == wanted), None
    )
    if partner is None:
        return None
    chosen = failed.data.getlist("reuse_evidence") if failed else []
    return {
        "link": partner,
        "publication": partner.claim.publication,
        "evidence": list(
            Evidence.objects.filter(claim=partner.claim).exclude(url="").order_by("pk")
        ),
        "chosen": {str(pk) for pk in chosen},
    }


def _publish_form(
    bound: dict[str, Any], consensus: dict[str, Any], reuse: Any
) -> forms.PublishForm:
    if "publish_form" in bound:
        return bound["publish_form"]
    if reuse is None:
        return forms.PublishForm(initial={"verdict": consensus["verdict"]})
    publication = reuse["publication"]
    return forms.PublishForm(
        initial={
            "verdict": publication.verdict,
            "rationale": publication.rationale,
            "reused_from": reuse["link"].claim.pk,
        }
    )


def _editorial_context(
    request: HttpRequest,
    claim: Claim,
    bound: dict[str, Any],
    *,
    has_rated: bool,
    reuse: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Workflow moves the user may make, publishing, assignments and the discussion."""
    user = request.user
    consensus = consensus_summary(claim)
    reached = consensus["state"] == ConsensusState.CONSENSUS
    bound_move = bound.get("move_form")
    moves: list[dict[str, Any]] = []
    noted_moves: list[dict[str, Any]] = []
    for target in targets_from(claim.status):
        transition = transition_for(claim.status, target)
        if transition is None or transition.service:
            continue  # publishing and unpublishing have their own forms
        if not policies.can_move_claim_now(
            user, claim, target, consensus=reached, has_rated=has_rated
        ):
            continue
        move: dict[str, Any] = {
            "to": target,
            "label": MOVE_LABELS.get((claim.status, target), "Reject"),
        }
        if transition.note_required:
            again = bound_move is not None and bound_move.data.get("to") == target
            move["form"] = (
                bound_move
                if again
                else forms.MoveForm(initial={"to": target}, note_required_for=target)
            )
            noted_moves.append(move)
        else:
            moves.append(move)
    plain_form = bound_move
    if plain_form is None or any(m["form"] is bound_move for m in noted_moves):
        plain_form = forms.MoveForm()
    editor = policies.is_editor(user)
    return {
        **_corrections_context(request, claim, bound),
        "is_editor": editor,
        "moves": moves,
        "noted_moves": noted_moves,
        "move_form": plain_form,
        # A form that failed is shown with its errors even if the claim moved on meanwhile.
        "can_publish": editor and (claim.status == ClaimStatus.READY or "publish_form" in bound),
        "can_unpublish": editor
        and (claim.status == ClaimStatus.PUBLISHED or "unpublish_form" in bound),
        "publish_form": _publish_form(bound, consensus, reuse),
        "reuse": reuse,
        "unpublish_form": bound.get("unpublish_form") or forms.UnpublishForm(),
        "publish_lacks_support": lacks_support(claim),
        "article_is_public": is_public_article(claim.article),
        "can_publish_article": policies.can_change_article_status(user, claim.article),
        "can_assign": policies.can_assign_reviewers(user, claim)
        and (not claim.is_closed or "assign_form" in bound),
        "publish_warnings": publish_warnings(claim) if editor else [],
        "assign_form": bound.get("assign_form")
        or forms.AssignForm(reviewers=selectors.eligible_reviewers()),
        "assignments": list(assignment_list(claim=claim)),
        "public_url": reverse("fact-check", args=[claim.pk]) if is_public_claim(claim) else "",
    }


def _corrections_context(
    request: HttpRequest, claim: Claim, bound: dict[str, Any]
) -> dict[str, Any]:
    """For editors: readers' reports of errors, and correcting a published verdict."""
    if not policies.can_handle_correction_requests(request.user):
        return {"correction_requests": [], "can_correct": False}
    reports = list(correction_request_list(claim=claim))
    for report in reports:  # a report's answer that failed comes back with its errors
        report.form = forms.failed_form_of(bound, "report_form", "report_id", report.pk)  # type: ignore[attr-defined]
    publication = publication_of(claim)
    can_correct = claim.status == ClaimStatus.PUBLISHED and publication is not None
    correct_form = bound.get("correct_form")
    if correct_form is None and publication is not None and can_correct:
        correct_form = forms.CorrectionForm(
            initial={"verdict": publication.verdict, "rationale": publication.rationale},
            requests=open_correction_requests(claim=claim),
        )
    return {
        "correction_requests": reports,
        "open_requests": sum(report.status == CorrectionRequestStatus.OPEN for report in reports),
        "can_correct": can_correct,
        "correct_form": correct_form,
    }


def _rating_initial(rating: Rating) -> dict[str, str]:
    return {
        "verdict": rating.verdict,
        "confidence": rating.confidence,
        "rationale": rating.rationale,
    }


def claim_form_builders(claim: Claim) -> dict[str, Any]:
    """How to bind each form of the claim page again, by its name in the page's context."""

    def move_form(data: Any) -> forms.MoveForm:
        transition = transition_for(claim.status, data.get("to", ""))
        noted = transition.target if transition and transition.note_required else ""
        return forms.MoveForm(data, note_required_for=noted)

    return {
        "evidence_form": forms.EvidenceForm,
        "rating_form": forms.RatingForm,
        "move_form": move_form,
        "publish_form": forms.PublishForm,
        "unpublish_form": forms.UnpublishForm,
        "assign_form": lambda data: forms.AssignForm(
            data, reviewers=selectors.eligible_reviewers()
        ),
        "comment_form": forms.CommentForm,
        "correct_form": lambda data: forms.CorrectionForm(
            data, requests=open_correction_requests(claim=claim)
        ),
        "report_form": forms.CorrectionRequestForm,
        "describe_form": forms.ClaimDescribeForm,
        "link_form": forms.SameClaimForm,
        "claim_edit_form": lambda data: forms.ClaimEditForm(data, article=claim.article),
        "span_form": forms.ClaimSpanForm,
        "evidence_edit_form": lambda data: forms.EvidenceEditForm(
            data, evidence_id=_kept_id(data, "evidence_id")
        ),
        "comment_edit_form": lambda data: forms.CommentEditForm(
            data, comment_id=_kept_id(data, "comment_id")
        ),
    }


def _kept_id(data: Any, name: str) -> int:
    """The id ``form_failed`` kept beside a failed form's input (0 if it is not there)."""
    value = str(data.get(name) or "")
    return int(value) if value.isdigit() else 0


def claim_form_failed(
    request: HttpRequest,
    claim: Claim,
    form: Any,
    *,
    name: str,
    context: Mapping[str, str] | None = None,
) -> HttpResponse:
    """Back to the claim page, which shows ``form`` (``name`` in its context) with its errors."""
    url = reverse("web:claim", args=[claim.pk])
    return form_failed(request, form, name=name, url=url, context=context)


@require_safe
@reviewer_required
def claim_page(request: HttpRequest, claim_id: int) -> HttpResponse:
    parts = request.GET.get("parts", "").split()
    if parts and all(part in CLAIM_PAGE_PARTS for part in parts):
        # What a page that updates itself asks for: forms that failed wait in the session
        # for the next whole page.
        claim = selectors.claim_for_parts(claim_id)
        if claim is None:
            raise Http404("No such claim.")
        return HttpResponse(claim_parts_html(request, claim, parts))
    claim = claim_or_404(claim_id)
    bound = failed_forms(request, claim_form_builders(claim))
    return claim_page_response(request, claim, **bound)


@require_safe
@reviewer_required
def evidence_state(request: HttpRequest, claim_id: int) -> HttpResponse:
    """Polled while evidence is being fetched: the items asked about (``?ids=1,2``), swapped
    in place, and the poller, which stops once no item of the claim is left to fetch."""
    claim = get_object_or_404(Claim.objects.only("id"), pk=claim_id)
    form = forms.IdListForm(request.GET)
    ids = form.cleaned_data["ids"] if form.is_valid() else []
    evidence = selectors.claim_evidence(claim, ids=ids)
    evidence_corrections(request.user, evidence)  # a swapped item keeps its Edit and Delete
    pending = Evidence.objects.filter(claim=claim, status__in=selectors.IN_FLIGHT)
    context = {
        "claim": claim,
        "evidence": evidence,
        "evidence_in_flight": list(pending.order_by("pk").values_list("pk", flat=True)),
    }
    return render(request, "web/claim/_evidence_state.html", context)


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
    return claim_form_failed(request, claim, form, name="evidence_form")


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
    return claim_form_failed(request, claim, form, name="rating_form")


@require_safe
@reviewer_required
def claim_search(request: HttpRequest) -> HttpResponse:
    form = forms.ClaimSearchForm(request.GET)
    filters: dict[str, Any] = {}
    article = None
    if form.is_valid():
        data = form.cleaned_data
        article = data["article"]
        filters = {
            "text": data["q"],
            "verdict": data["verdict"],
            "status": data["status"],
            "kind": data["kind"],
            "article_id": article.pk if article else None,
            "assigned_to_me": data["assigned"],
            "assigned_to": data["assignee"],
            "unrated_by_me": data["unrated"],
            "consensus": data["consensus"],
            "unassigned": data["unassigned"],
            "queue": data["queue"],
        }
    claims = selectors.search_claims(user=request.user, **filters)
    # The page's ids first, then its claims with everything they show: sorting every match
    # with its joined rows, to keep a page of them, is what took the time at 100,000 claims.
    filtered = any(value for name, value in filters.items() if name != "text")
    page = RankedPaginator(
        claims.values_list("pk", flat=True), CLAIMS_PER_PAGE, filtered=filtered
    ).get_page(request.GET.get("page"))
    page.object_list = rows_of_ids(claims, list(page.object_list))
    for claim in page:
        claim.look = claim_look_for(request.user, claim)  # type: ignore[attr-defined]
    selectors.with_highlights(page, filters.get("text", ""))
    names = ["queue", "verdict", "consensus", "status", "kind", "article", "assignee"]
    queue = QUEUES.get(form.cleaned_data.get("queue", "")) if form.is_valid() else None
    context = {
        "form": form,
        "filters": [form[name] for name in names],
        "page": page,
        "article": article,
        "queue": queue,
    }
    return render(request, "web/claims.html", context)
