"""Check the quotes of quote-kind claims against the sources they cite, and the excerpts
of evidence against the evidence's own page, and keep the latest result."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from claims import stamps
from claims.models import (
    Claim,
    ClaimKind,
    Evidence,
    QuoteCheck,
    QuoteResult,
    SourceSnapshot,
    SourceStatus,
)
from claims.selectors import latest_snapshot
from verification.matching import match_quote

# Quotation marks around a quoted passage are the article's, not the source's.
_QUOTE_MARKS = "\"'\u201c\u201d\u2018\u2019\u00ab\u00bb\u201e"


def quoted_passage(text: str) -> str:
    return text.strip().strip(_QUOTE_MARKS).strip()


def _result_fields(quote: str, status: str, snapshot: SourceSnapshot | None) -> dict:
    fields: dict = {
        "quote": quote,
        "snapshot": snapshot,
        "checked_at": timezone.now(),
        "score": 0.0,
        "source_wording": "",
        "source_start": None,
        "source_end": None,
        "flags": [],
    }
    if status != SourceStatus.OK or snapshot is None or not snapshot.text:
        fields["result"] = QuoteResult.SOURCE_UNAVAILABLE
        return fields
    match = match_quote(quote, snapshot.text)
    fields.update(
        result=match.result,
        score=round(match.score, 4),
        source_wording=match.source_wording,
        source_start=match.source_start,
        source_end=match.source_end,
        flags=match.flags,
    )
    return fields


@transaction.atomic
def verify_claim(*, claim_id: int) -> list[QuoteCheck]:
    """Check a quote-kind claim against each source it relies on (and forget the others)."""
    claim = Claim.objects.filter(pk=claim_id).first()
    if claim is None:
        return []
    stamps.article_changed(claim.article_id)
    sources = list(claim.sources.all()) if claim.kind == ClaimKind.QUOTE else []
    QuoteCheck.objects.filter(claim=claim).exclude(source__in=sources).delete()
    quote = quoted_passage(claim.quote)
    checks = []
    for source in sources:
        fields = _result_fields(quote, source.status, latest_snapshot(source=source))
        check, _ = QuoteCheck.objects.update_or_create(claim=claim, source=source, defaults=fields)
        checks.append(check)
    return checks


def verify_quotes_citing(*, source_id: int) -> int:
    """After a new snapshot of a source: check again every quote claim that cites it."""
    claim_ids = list(
        Claim.objects.filter(sources=source_id, kind=ClaimKind.QUOTE).values_list("pk", flat=True)
    )
    for claim_id in claim_ids:
        verify_claim(claim_id=claim_id)
    return len(claim_ids)


@transaction.atomic
def verify_evidence(*, evidence_id: int) -> QuoteCheck | None:
    """Check an evidence excerpt against the page at the evidence's own URL."""
    evidence = Evidence.objects.filter(pk=evidence_id).first()
    if evidence is None:
        return None
    stamps.claim_changed(evidence.claim_id)
    if not evidence.excerpt or not evidence.url:
        QuoteCheck.objects.filter(evidence=evidence).delete()
        return None
    fields = _result_fields(
        quoted_passage(evidence.excerpt), evidence.status, latest_snapshot(evidence=evidence)
    )
    check, _ = QuoteCheck.objects.update_or_create(evidence=evidence, defaults=fields)
    return check
