"""The public pages: each published fact-check (with its ClaimReview JSON-LD, its sources
and evidence, its corrections and a form to report an error), their index, the log of
corrections and the methodology. No sign-in; search engines may index them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from accounts.ratelimits import client_address
from claims.models import VERDICT_ORDINALS, Claim, Evidence, Source, Verdict
from editorial import claimreview, methodology
from editorial.models import Publication
from editorial.selectors import (
    claim_corrections,
    public_corrections,
    public_fact_checks,
    published_claims,
)
from editorial.services.correction_requests import ReportRefused, correction_request_file
from web import forms, selectors
from web.csp import csp_public
from web.robots import indexable
from web.views.common import failed_forms, form_failed

FACT_CHECKS_PER_PAGE = 20
CORRECTIONS_PER_PAGE = 25
THANKS = "Thank you: the editors will look at your report."


def _publication_or_404(claim_id: int) -> Publication:
    return get_object_or_404(published_claims(claims=Claim.objects.public()), claim_id=claim_id)


def _reviewers(claim: Claim) -> dict[str, Any]:
    """Who rated the claim: their names with ``PUBLIC_REVIEWER_NAMES``, else how many."""
    people = {rating.reviewer for rating in selectors.claim_ratings(claim)}
    names = sorted(str(person) for person in people)
    return {"count": len(names), "names": names if settings.PUBLIC_REVIEWER_NAMES else []}


def public_claim_response(
    request: HttpRequest, publication: Publication, *, report_form: Any = None, status: int = 200
) -> HttpResponse:
    claim = publication.claim
    base_url = claimreview.public_base_url(request.build_absolute_uri("/"))
    sources, evidence = selectors.claim_sources(claim), selectors.claim_evidence(claim)
    links: list[Source | Evidence] = [*sources, *evidence]
    citations = [(row.url, getattr(row, "archived_copy", None) or "") for row in links if row.url]
    review = claimreview.claim_review(
        publication=publication, base_url=base_url, citations=citations
    )
    context = {
        "publication": publication,
        "claim": claim,
        "article": claim.article,
        "verdict": Verdict(publication.verdict),
        "rating_value": VERDICT_ORDINALS.get(publication.verdict),
        "organization": claimreview.organization(),
        "page_url": claimreview.page_url(publication.claim_id, base_url=base_url),
        "updated_at": claimreview.date_modified(publication),
        "sources": sources,
        "evidence": evidence,
        "reviewers": _reviewers(claim),
        "corrections": list(claim_corrections(claim=claim)),
        "report_form": report_form or forms.ReportErrorForm(),
        # An opinion has no ClaimReview: the page says it is no checkable claim.
        "claim_review_json": claimreview.json_for_script(review) if review else "",
        "is_opinion": review is None,
        "page_language": claim.article.language,
    }
    return render(request, "editorial/public_claim.html", context, status=status)


@indexable
@csp_public
@require_safe
def public_claim(request: HttpRequest, claim_id: int) -> HttpResponse:
    failed = failed_forms(request, {"report_form": forms.ReportErrorForm})
    publication = _publication_or_404(claim_id)
    return public_claim_response(request, publication, report_form=failed.get("report_form"))


@csp_public
@require_POST
def report_error(request: HttpRequest, claim_id: int) -> HttpResponse:
    """File a reader's report; a bot that filled the trap field is thanked, nothing filed."""
    publication = _publication_or_404(claim_id)
    # The form posts to ...#report, so a form with errors comes back scrolled to it; the
    # thanks is at the top ("#top" scrolls there; a redirect without a fragment keeps #report).
    page = reverse("fact-check", args=[claim_id]) + "#top"
    form = forms.ReportErrorForm(request.POST)
    if form.is_bot:
        messages.success(request, THANKS)
        return HttpResponseRedirect(page)
    status, retry_after = 429, 0
    if form.is_valid():
        data = form.cleaned_data
        try:
            correction_request_file(
                claim=publication.claim,
                message=data["message"],
                name=data["name"],
                email=data["email"],
                client=client_address(request),
            )
        except ValidationError as exc:
            forms.add_service_error(form, exc)
        except ReportRefused as exc:
            form.add_error(None, exc.message)
            status, retry_after = 429, exc.retry_after
        else:
            messages.success(request, THANKS)
            return HttpResponseRedirect(page)
    if retry_after:  # too many reports: the page with the form, answering 429
        response = public_claim_response(request, publication, report_form=form, status=status)
        response["Retry-After"] = str(retry_after)
        return response
    # Back to the page, which shows the form as sent with its errors: reloading it never
    # lands on this POST-only address.
    url = reverse("fact-check", args=[claim_id])
    return form_failed(request, form, name="report_form", url=url)


@indexable
@csp_public
@require_safe
def fact_check_index(request: HttpRequest) -> HttpResponse:
    form = forms.PublicSearchForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    text = filters.pop("q", "")
    publications = public_fact_checks(text=text, **filters)
    page = Paginator(publications, FACT_CHECKS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "editorial/public_index.html", {"form": form, "page": page})


@indexable
@csp_public
@require_safe
def corrections_page(request: HttpRequest) -> HttpResponse:
    page = Paginator(public_corrections(), CORRECTIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "editorial/public_corrections.html", {"page": page})


@indexable
@csp_public
@require_safe
def methodology_page(request: HttpRequest) -> HttpResponse:
    context = {
        "scale": methodology.rating_scale(),
        "consensus": methodology.consensus_rule(),
        "process": methodology.review_process(),
        "text": methodology.methodology_text(),
        "organization": claimreview.organization(),
    }
    return render(request, "editorial/methodology.html", context)
