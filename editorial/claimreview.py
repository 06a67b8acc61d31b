"""schema.org ``ClaimReview`` JSON-LD for published fact-checks.

The fields follow schema.org's ClaimReview, Rating and Claim types and Google's
fact-check markup guidelines (required: ``claimReviewed``, ``reviewRating`` with
``alternateName``, ``url``; recommended: ``author``, ``datePublished``,
``itemReviewed`` with the claim's ``author``, ``datePublished`` and
``appearance``/``firstAppearance``). ``tests/schemas/claimreview.schema.json``
checks the output.

Ordinal verdicts carry a ``ratingValue`` from 1 (false) to 5 (true) on that
scale; categorical ones (misleading, unverifiable, opinion) have no place on it,
so they carry only their name (``alternateName``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from claims.models import VERDICT_ORDINALS, Article, Verdict
from editorial.models import Publication

CONTEXT = "https://schema.org"
BEST_RATING, WORST_RATING = max(VERDICT_ORDINALS.values()), min(VERDICT_ORDINALS.values())


def public_base_url(request_root: str) -> str:
    """``PUBLIC_BASE_URL``, else the scheme and host the request came to (``request_root``)."""
    return settings.PUBLIC_BASE_URL or request_root.rstrip("/")


def page_url(claim_id: int, *, base_url: str) -> str:
    """The absolute URL of a fact-check's public page."""
    return base_url.rstrip("/") + reverse("fact-check", args=[claim_id])


def organization() -> dict[str, str]:
    """The publisher of the fact-checks (settings ``CLAIMREVIEW_ORGANIZATION_*``)."""
    author = {"@type": "Organization", "name": settings.CLAIMREVIEW_ORGANIZATION_NAME}
    if url := settings.CLAIMREVIEW_ORGANIZATION_URL or settings.PUBLIC_BASE_URL:
        author["url"] = url
    return author


def _article_author(article: Article) -> dict[str, str] | None:
    """Whoever made the claim: the article's byline (a person), else its publisher."""
    if article.byline:
        return {"@type": "Person", "name": article.byline}
    if article.publisher:
        return {"@type": "Organization", "name": article.publisher}
    return None


def _appearance(article: Article) -> dict[str, Any] | None:
    if not article.url:
        return None
    work: dict[str, Any] = {"@type": "CreativeWork", "url": article.url, "headline": article.title}
    if author := _article_author(article):
        work["author"] = author
    if article.published_on:
        work["datePublished"] = article.published_on.isoformat()
    if article.publisher:
        work["publisher"] = {"@type": "Organization", "name": article.publisher}
    return work


def _rating(publication: Publication) -> dict[str, Any]:
    verdict = Verdict(publication.verdict)
    rating: dict[str, Any] = {"@type": "Rating"}
    if (value := VERDICT_ORDINALS.get(verdict)) is not None:
        rating.update(ratingValue=value, bestRating=BEST_RATING, worstRating=WORST_RATING)
    rating["alternateName"] = verdict.label
    rating["ratingExplanation"] = publication.rationale
    return rating


def claim_review(*, publication: Publication, base_url: str) -> dict[str, Any]:
    """The ClaimReview of a published claim (``publication.claim.article`` is read)."""
    claim = publication.claim
    article = claim.article
    item: dict[str, Any] = {"@type": "Claim"}
    if author := _article_author(article):
        item["author"] = author
    if article.published_on:
        item["datePublished"] = article.published_on.isoformat()
    if appearance := _appearance(article):
        # The article is where the claim appears, and the first place we know of.
        item["appearance"] = appearance
        item["firstAppearance"] = appearance
    review: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "ClaimReview",
        "url": page_url(claim.pk, base_url=base_url),
        "claimReviewed": claim.quote,
        "datePublished": timezone.localdate(publication.first_published_at).isoformat(),
        "author": organization(),
        "reviewRating": _rating(publication),
        "itemReviewed": item,
    }
    if (modified := date_modified(publication)) is not None:
        review["dateModified"] = timezone.localdate(modified).isoformat()
    return review


def date_modified(publication: Publication) -> datetime | None:
    """When the fact-check last changed after it was first published: published again,
    or corrected (``last_corrected_at``, annotated by ``editorial.selectors``)."""
    changes = [getattr(publication, "last_corrected_at", None)]
    if publication.published_at != publication.first_published_at:
        changes.append(publication.published_at)
    return max((change for change in changes if change is not None), default=None)


def article_claim_reviews(
    *, publications: Iterable[Publication], base_url: str
) -> list[dict[str, Any]]:
    """One JSON-LD document for an article: the list of its claims' ClaimReviews."""
    return [claim_review(publication=p, base_url=base_url) for p in publications]


# Characters that could end a <script> element or confuse an HTML parser; JSON reads
# the escapes back as the same characters.
_SCRIPT_ESCAPES = {
    ord("<"): "\\u003c",
    ord(">"): "\\u003e",
    ord("&"): "\\u0026",
    ord("\u2028"): "\\u2028",
    ord("\u2029"): "\\u2029",
}


def json_for_script(data: Any) -> SafeString:
    """JSON safe to embed in a ``<script>`` element: no ``</script>`` can end it early."""
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_SCRIPT_ESCAPES))
