"""Claimants: who made the claims. Their page lists their claims with verdicts (the
reviewers' track record); names are offered as one types in the claim forms."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from claims.models import Claimant, Verdict
from claims.services.claimants import claim_describe
from editorial.claimreview import organization
from editorial.selectors import claimant_claims, claimant_verdict_counts, has_public_fact_check
from web import forms
from web.verdicts import claim_look
from web.views.claims import claim_form_failed, claim_or_404
from web.views.common import go, reviewer_required

OPTIONS_SHOWN = 20
CLAIMANTS_PER_PAGE = 50


def verdict_counts(claimant: Claimant, *, public: bool) -> list[tuple[str, int]]:
    """(verdict label, count) in the verdicts' order, for the verdicts they have."""
    counts = claimant_verdict_counts([claimant.pk], public=public).get(claimant.pk, {})
    return [(verdict.label, counts[verdict]) for verdict in Verdict if counts.get(verdict)]


@require_safe
@reviewer_required
def claimant_options(request: HttpRequest) -> HttpResponse:
    """The names offered as one types in a claim form (a datalist's options)."""
    words = (request.GET.get("claimant_name") or "")[:200]
    claimants = Claimant.objects.search(words).order_by("name", "id")[:OPTIONS_SHOWN]
    return render(request, "web/claimants/_options.html", {"claimants": claimants})


@require_safe
@reviewer_required
def claimant_list(request: HttpRequest) -> HttpResponse:
    words = (request.GET.get("q") or "")[:200]
    claimants = Claimant.objects.search(words).order_by("name", "id")
    page = Paginator(claimants, CLAIMANTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "web/claimants/list.html", {"page": page, "q": words})


@require_safe
@reviewer_required
def claimant_page(request: HttpRequest, claimant_id: int) -> HttpResponse:
    claimant = get_object_or_404(Claimant, pk=claimant_id)
    claims = list(claimant_claims(claimant, public=False))
    for claim in claims:
        claim.look = claim_look(claim)  # type: ignore[attr-defined]
    context = {
        "claimant": claimant,
        "claims": claims,
        "verdict_counts": verdict_counts(claimant, public=False),
    }
    return render(request, "web/claimants/page.html", context)


@require_POST
@reviewer_required
def claim_describe_view(request: HttpRequest, claim_id: int) -> HttpResponse:
    claim = claim_or_404(claim_id)
    form = forms.ClaimDescribeForm(request.POST)
    if form.is_valid():
        try:
            claim_describe(
                claim=claim,
                user=request.user,
                summary=form.cleaned_data["summary"],
                claimant=form.claimant_choice(),
                claim_date=form.cleaned_data["claim_date"],
                appearances=form.appearance_list(),
            )
        except ValidationError as exc:
            forms.add_service_error(form, exc)
        else:
            messages.success(request, "The claim's description is saved.")
            return go(request, reverse("web:claim", args=[claim.pk]) + "#description")
    return claim_form_failed(request, claim, form, name="describe_form")


@require_safe
def public_claimant(request: HttpRequest, claimant_id: int) -> HttpResponse:
    """A claimant's public track record: their published fact-checks, once they have one."""
    claimant = Claimant.objects.filter(pk=claimant_id).first()
    if claimant is None or not has_public_fact_check(claimant):
        raise Http404("No such claimant.")
    claims = list(claimant_claims(claimant, public=True))
    context = {
        "claimant": claimant,
        "claims": claims,
        "verdict_counts": verdict_counts(claimant, public=True),
        "organization": organization(),
        "page_language": claims[0].article.language if claims else "",
    }
    return render(request, "web/claimants/public.html", context)
