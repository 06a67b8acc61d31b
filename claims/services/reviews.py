from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from claims.models import Claim, Confidence, Evidence, Rating, SourceStatus
from claims.services.history import save_as
from claims.services.sources import full_clean_with_web_url
from claims.textnorm import clean_text
from editorial.services.consensus import consensus_refresh
from fetching.queue import enqueue_evidence_fetch, enqueue_evidence_verification


def evidence_create(
    *,
    claim: Claim,
    author: Any,
    stance: str,
    url: str = "",
    excerpt: str = "",
    note: str = "",
) -> Evidence:
    """Attach a URL and/or quoted excerpt that supports, refutes or adds context to a claim."""
    evidence = Evidence(
        claim=claim,
        author=author,
        stance=stance,
        url=url.strip(),
        excerpt=clean_text(excerpt),
        note=clean_text(note),
    )
    evidence.status = SourceStatus.PENDING if evidence.url else SourceStatus.NEEDS_URL
    full_clean_with_web_url(evidence)
    save_as(evidence, author)
    _after_evidence_change(evidence, url_changed=bool(evidence.url))
    return evidence


def _after_evidence_change(evidence: Evidence, *, url_changed: bool) -> None:
    """A new URL is fetched (and its excerpt checked after); otherwise check again now."""
    if url_changed and evidence.url:
        enqueue_evidence_fetch(evidence.pk)
    else:
        enqueue_evidence_verification(evidence.pk)


_EVIDENCE_FIELDS = frozenset({"stance", "url", "excerpt", "note"})


def evidence_update(*, evidence: Evidence, user: Any, **changes: str) -> Evidence:
    unknown = set(changes) - _EVIDENCE_FIELDS
    if unknown:
        raise ValidationError(f"Evidence has no field(s) {sorted(unknown)}.", code="unknown_field")
    old_url = evidence.url
    for name, value in changes.items():
        setattr(evidence, name, value.strip() if name == "url" else clean_text(value))
    url_changed = evidence.url != old_url
    if url_changed:
        evidence.status = SourceStatus.PENDING if evidence.url else SourceStatus.NEEDS_URL
        evidence.status_detail = ""
    full_clean_with_web_url(evidence)
    save_as(evidence, user)
    _after_evidence_change(evidence, url_changed=url_changed)
    return evidence


def evidence_delete(*, evidence: Evidence, user: Any) -> None:
    evidence._history_user = user  # type: ignore[attr-defined]
    evidence.delete()


def rating_submit(
    *,
    claim: Claim,
    reviewer: Any,
    verdict: str,
    rationale: str,
    confidence: str = Confidence.MEDIUM,
) -> tuple[Rating, bool]:
    """Rate a claim, or change the rating this reviewer already gave; returns (rating, created)."""
    for attempt in range(2):
        try:
            with transaction.atomic():
                rating = (
                    Rating.objects.select_for_update()
                    .filter(claim=claim, reviewer=reviewer)
                    .first()
                )
                created = rating is None
                if rating is None:
                    rating = Rating(claim=claim, reviewer=reviewer)
                rating.verdict = verdict
                rating.confidence = confidence
                rating.rationale = clean_text(rationale)
                # The unique constraint is checked by the database below.
                rating.full_clean(validate_constraints=False)
                save_as(rating, reviewer)
                consensus_refresh(claim=claim)
                return rating, created
        except IntegrityError:
            # Another request created this reviewer's rating between our read and
            # our insert: read it again and update it instead.
            if attempt:
                raise
    raise AssertionError("unreachable")


def rating_withdraw(*, claim: Claim, reviewer: Any) -> bool:
    """Delete the reviewer's rating of the claim; False when there was none."""
    rating = Rating.objects.filter(claim=claim, reviewer=reviewer).first()
    if rating is None:
        return False
    rating._history_user = reviewer  # type: ignore[attr-defined]
    rating.delete()
    consensus_refresh(claim=claim)
    return True
