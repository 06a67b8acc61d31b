"""What a delivery says about each event: ids and URLs, little else.

A payload leaves the desk for another system, so it carries no more than a caller of
the API would need to look the rest up (with its own rights): no rating's verdict, no
consensus verdict (``claim.disputed`` and ``claim.consensus`` carry the state only), no
comment or reader's report text, no reader's name or address. A verdict is given only
once it is public: published, in a published article. URLs are absolute with
``PUBLIC_BASE_URL``, else paths on the site.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.urls import reverse

from claims import policies

Data = dict[str, Any]


def _url(name: str, *args: int) -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/") + reverse(name, args=args)


def _claim(claim: Any) -> Data:
    data: Data = {
        "id": claim.pk,
        "number": claim.number,
        "article": claim.article_id,
        "status": claim.status,
        "api_url": _url("api:claim-detail", claim.pk),
    }
    if policies.is_public_claim(claim):
        data["public_url"] = _url("fact-check", claim.pk)
    return data


def _article(article: Any) -> Data:
    return {
        "id": article.pk,
        "status": article.status,
        "api_url": _url("api:article-detail", article.pk),
    }


def _published(claim: Any, publication: Any) -> Data:
    data: Data = {"claim": _claim(claim)}
    if policies.is_public_claim(claim):
        data["verdict"] = publication.verdict
    return data


def article_imported(*, article: Any, **_: Any) -> Data:
    return {"article": _article(article)}


def claim_assigned(*, claim: Any, assignments: Any, **_: Any) -> Data:
    return {"claim": _claim(claim), "reviewers": [a.reviewer_id for a in assignments]}


def comment_posted(*, comment: Any, **_: Any) -> Data:
    return {"claim": _claim(comment.claim), "comment": comment.pk}


def consensus_state(*, claim: Any, consensus: Any, **_: Any) -> Data:
    return {"claim": _claim(claim), "consensus": {"state": consensus.state}}


def claim_rated(*, claim: Any, rating: Any, **_: Any) -> Data:
    return {"claim": _claim(claim), "rating": rating.pk}


def claim_published(*, claim: Any, publication: Any, **_: Any) -> Data:
    return _published(claim, publication)


def claim_corrected(*, claim: Any, publication: Any, correction: Any, **_: Any) -> Data:
    return {**_published(claim, publication), "correction": correction.pk}


def claim_only(*, claim: Any, **_: Any) -> Data:
    return {"claim": _claim(claim)}


def source_died(*, source: Any, **_: Any) -> Data:
    return {
        "source": {
            "id": source.pk,
            "article": source.article_id,
            "url": source.url,
            "status": source.status,
            "api_url": _url("api:source-detail", source.pk),
        }
    }


def source_changed(**kwargs: Any) -> Data:
    """A cited source's page changed, or an evidence item's (sent as ``source`` or
    ``evidence``)."""
    changed = kwargs.get("source") or kwargs["evidence"]
    if hasattr(changed, "article_id"):
        return source_died(source=changed)
    return {"evidence": {"id": changed.pk, "claim": changed.claim_id, "url": changed.url}}


def correction_requested(*, correction_request: Any, **_: Any) -> Data:
    return {"claim": _claim(correction_request.claim), "correction_request": correction_request.pk}


BUILDERS: dict[str, Callable[..., Data]] = {
    "article.imported": article_imported,
    "claim.assigned": claim_assigned,
    "comment.posted": comment_posted,
    "claim.disputed": consensus_state,
    "claim.consensus": consensus_state,
    "claim.rated": claim_rated,
    "claim.published": claim_published,
    "claim.corrected": claim_corrected,
    "claim.unpublished": claim_only,
    "source.dead": source_died,
    "source.changed": source_changed,
    "claim.wording_changed": claim_only,
    "correction.requested": correction_requested,
}
