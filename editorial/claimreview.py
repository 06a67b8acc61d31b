"""schema.org ``ClaimReview`` JSON-LD for published fact-checks.

The fields follow schema.org's ClaimReview, Rating and Claim types and Google's
fact-check markup guidelines (required: ``claimReviewed``, ``reviewRating`` with
``alternateName``, ``url``; recommended: ``author``, ``datePublished``,
``itemReviewed`` with the claim's ``author`` (with ``sameAs``), ``datePublished``
and ``appearance``/``firstAppearance``). ``tests/schemas/claimreview.schema.json``
checks the output.

- ``claimReviewed`` is the claim's summary, a short neutral restatement (publishing
  requires one); a publication made before summaries existed falls back to the quote.
- ``itemReviewed.author`` is the claimant, a ``Person`` or an ``Organization`` with
  their ``sameAs`` pages; without one, the article's byline (or its publisher), who
  then made the claim themselves.
- ``itemReviewed.datePublished`` is the claim's date; ``appearance`` lists the pages
  where the claim appears, and ``firstAppearance`` is given only when a reviewer
  marked one as the first: the article is not assumed to be the origin.
- ``inLanguage`` is the article's language; ``dateModified`` the day the publication
  last changed (``modified_at``), given when it is not the day of first publication.
- A claim published as an *opinion* gets no ClaimReview (``claim_review`` returns
  None): an opinion is not a checkable claim, and a rating of it would read as one.

Ordinal verdicts carry a ``ratingValue`` from 1 (false) to 5 (true) on that
scale; categorical ones (misleading, unverifiable) have no place on it, so they
carry only their name (``alternateName``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from claims.models import VERDICT_ORDINALS, Article, Claim, Claimant, ClaimantKind, Verdict
from claims.summaries import claim_warnings
from editorial.models import Publication

CONTEXT = "https://schema.org"
BEST_RATING, WORST_RATING = max(VERDICT_ORDINALS.values()), min(VERDICT_ORDINALS.values())
# Verdicts that are no finding about a checkable claim: no ClaimReview is published for them.
NOT_REVIEWED = frozenset({Verdict.OPINION})


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


def is_reviewed(verdict: str) -> bool:
    """Does a claim published with ``verdict`` get a ClaimReview? (Not an opinion.)"""
    return verdict not in NOT_REVIEWED


def claimant_agent(claimant: Claimant) -> dict[str, Any]:
    """A claimant as a schema.org ``Person`` or ``Organization``."""
    kind = "Person" if claimant.kind == ClaimantKind.PERSON else "Organization"
    agent: dict[str, Any] = {"@type": kind, "name": claimant.name}
    if claimant.description:
        agent["description"] = claimant.description
    if claimant.same_as:
        agent["sameAs"] = list(claimant.same_as)
    return agent


def _article_author(article: Article) -> dict[str, str] | None:
    """The article's byline (a person), else its publisher."""
    if article.byline:
        return {"@type": "Person", "name": article.byline}
    if article.publisher:
        return {"@type": "Organization", "name": article.publisher}
    return None


def _work(url: str, article: Article) -> dict[str, Any]:
    """A page the claim appears on; the article's own page with what we know of it."""
    work: dict[str, Any] = {"@type": "CreativeWork", "url": url}
    if url != article.url:
        return work
    work["headline"] = article.title
    if author := _article_author(article):
        work["author"] = author
    if article.published_on:
        work["datePublished"] = article.published_on.isoformat()
    if article.publisher:
        work["publisher"] = {"@type": "Organization", "name": article.publisher}
    return work


def _item_reviewed(claim: Claim) -> dict[str, Any]:
    article = claim.article
    item: dict[str, Any] = {"@type": "Claim"}
    if claim.claimant is not None:
        item["author"] = claimant_agent(claim.claimant)
    elif author := _article_author(article):
        item["author"] = author
    if claim_date := claim.claim_date or article.published_on:
        item["datePublished"] = claim_date.isoformat()
    appearances = list(claim.appearances.all())
    if appearances:
        item["appearance"] = [_work(a.url, article) for a in appearances]
    first = next((a for a in appearances if a.is_first), None)
    if first is not None:
        item["firstAppearance"] = _work(first.url, article)
    return item


def _rating(publication: Publication) -> dict[str, Any]:
    verdict = Verdict(publication.verdict)
    rating: dict[str, Any] = {"@type": "Rating"}
    if (value := VERDICT_ORDINALS.get(verdict)) is not None:
        rating.update(ratingValue=value, bestRating=BEST_RATING, worstRating=WORST_RATING)
    rating["alternateName"] = verdict.label
    rating["ratingExplanation"] = publication.rationale
    return rating


def _citations(links: Iterable[tuple[str, str]]) -> list[dict[str, str]]:
    """The pages the fact-check rests on, each with a web archive's copy (``archivedAt``)
    when there is one."""
    works: dict[str, dict[str, str]] = {}
    for url, archived in links:
        work = works.setdefault(url, {"@type": "CreativeWork", "url": url})
        if archived and archived != url:
            work.setdefault("archivedAt", archived)
    return list(works.values())


def claim_review(
    *,
    publication: Publication,
    base_url: str,
    citations: Iterable[tuple[str, str]] = (),
) -> dict[str, Any] | None:
    """The ClaimReview of a published claim, or None for an opinion.

    Reads ``publication.claim`` with its article, claimant and appearances (see
    ``editorial.selectors.published_claims``); ``citations`` are the links of its sources
    and evidence with their archived copies (``editorial.selectors.claim_citations``).
    """
    if not is_reviewed(publication.verdict):
        return None
    claim = publication.claim
    published = timezone.localdate(publication.first_published_at)
    review: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "ClaimReview",
        "url": page_url(claim.pk, base_url=base_url),
        "claimReviewed": claim.summary or claim.quote,
        "datePublished": published.isoformat(),
        # Google recommends the organisation's url: without a setting, its public site.
        "author": {"url": base_url.rstrip("/") + "/", **organization()},
        "reviewRating": _rating(publication),
        "itemReviewed": _item_reviewed(claim),
    }
    if cited := _citations(citations):
        review["citation"] = cited
    if claim.article.language:
        review["inLanguage"] = claim.article.language
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
    *,
    publications: Iterable[Publication],
    base_url: str,
    citations: dict[int, list[tuple[str, str]]] | None = None,
) -> list[dict[str, Any]]:
    """One JSON-LD document for an article: the list of its claims' ClaimReviews."""
    cited = citations or {}
    reviews = (
        claim_review(publication=p, base_url=base_url, citations=cited.get(p.claim_id, ()))
        for p in publications
    )
    return [review for review in reviews if review is not None]


def own_hosts() -> list[str]:
    """The organisation's own host names (``CLAIMREVIEW_ORGANIZATION_DOMAINS`` and the
    hosts of ``PUBLIC_BASE_URL`` and ``CLAIMREVIEW_ORGANIZATION_URL``)."""
    hosts = list(settings.CLAIMREVIEW_ORGANIZATION_DOMAINS)
    for url in (settings.PUBLIC_BASE_URL, settings.CLAIMREVIEW_ORGANIZATION_URL):
        if host := (urlsplit(url).hostname or "") if url else "":
            hosts.append(host.lower())
    return [host.removeprefix("www.") for host in hosts if host]


def is_own_site(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    return bool(host) and any(host == own or host.endswith("." + own) for own in own_hosts())


def publish_warnings(claim: Claim) -> list[str]:
    """What an editor should reconsider before publishing the claim (none of it blocks):
    how it is described (``claims.summaries``), and an article on our own site."""
    warnings = claim_warnings(claim)
    if claim.article.url and is_own_site(claim.article.url):
        warnings.append(
            "The article is on the organisation's own site: a ClaimReview reviews someone "
            "else's claim, and search engines may ignore one about the publisher's own page."
        )
    return warnings


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
