"""The public page of a published fact-check: no sign-in, server-rendered, with its
ClaimReview JSON-LD for search engines."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from claims.models import VERDICT_ORDINALS, Claim, Verdict
from editorial import claimreview
from editorial.selectors import published_claims


@require_safe
def public_claim(request: HttpRequest, claim_id: int) -> HttpResponse:
    publication = get_object_or_404(
        published_claims(claims=Claim.objects.public()), claim_id=claim_id
    )
    base_url = claimreview.public_base_url(request.build_absolute_uri("/"))
    review = claimreview.claim_review(publication=publication, base_url=base_url)
    context = {
        "publication": publication,
        "claim": publication.claim,
        "article": publication.claim.article,
        "verdict_label": Verdict(publication.verdict).label,
        "rating_value": VERDICT_ORDINALS.get(publication.verdict),
        "organization": claimreview.organization(),
        "page_url": claimreview.page_url(publication.claim_id, base_url=base_url),
        "updated": publication.published_at.date() != publication.first_published_at.date(),
        # An opinion has no ClaimReview: the page says it is no checkable claim.
        "claim_review_json": claimreview.json_for_script(review) if review else "",
        "is_opinion": review is None,
        "page_language": publication.claim.article.language,
    }
    return render(request, "editorial/public_claim.html", context)
