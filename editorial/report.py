"""An article's report: its claims by verdict, the claim-to-citation map and the quote checks.

``article_report`` reads it in a fixed number of queries; ``report_csv`` writes it
as one CSV table (a row per claim, then a row per source).
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from claims import policies
from claims.models import (
    Article,
    Claim,
    ClaimStatus,
    QuoteCheck,
    QuoteResult,
    Source,
    SourceStatus,
    Verdict,
)
from claims.selectors import BROKEN_SOURCE_STATUSES, ClaimSource, latest_snapshot_value
from editorial.selectors import (
    article_alpha,
    consensus_summary,
    effective_verdict,
    same_claims_in,
)
from texts.relevance import may_not_be_cited_page

UNDECIDED = "undecided"
HIDDEN_CONSENSUS: dict[str, Any] = {"state": None, "verdict": None, "agreement": None}


@dataclass
class QuoteCheckRow:
    claim: int | None
    source: int | None
    evidence: int | None
    result: str
    score: float
    quote: str
    source_wording: str


@dataclass
class ClaimRow:
    id: int
    number: int
    quote: str
    kind: str
    status: str
    verdict: str | None
    verdict_from: str | None  # "published", "consensus" or None
    consensus_state: str | None  # None while hidden from the viewer
    consensus_verdict: str | None
    agreement: float | None
    ratings: int
    sources: list[int]
    quote_checks: list[QuoteCheckRow] = field(default_factory=list)
    # The viewer has not rated this claim: its verdict and consensus are hidden from them.
    consensus_hidden: bool = False
    # Numbers of the claims of this article linked to it as the same claim.
    same_as: list[int] = field(default_factory=list)


@dataclass
class SourceRow:
    id: int
    position: int
    anchor_text: str
    href: str
    url: str
    status: str
    claims: list[int]
    # The page last fetched shares little with the link's words (texts.relevance).
    may_not_be_cited_page: bool = False


@dataclass
class CitationMap:
    claims_without_sources: list[int]
    claims_with_one_source: list[int]
    sources_unused: list[int]
    sources_broken: list[int]  # dead, failed or blocked when last fetched
    sources_needing_url: list[int]
    sources_maybe_miscited: list[int] = field(default_factory=list)


@dataclass
class ArticleReport:
    article: int
    title: str
    url: str
    generated_at: datetime
    alpha: float | None
    claims_by_verdict: dict[str, list[int]]
    claims_by_status: dict[str, int]
    citations: CitationMap
    quote_checks_by_result: dict[str, int]
    claims: list[ClaimRow]
    sources: list[SourceRow]
    quote_checks: list[QuoteCheckRow]
    claims_hidden: int = 0  # claims whose verdicts are hidden from the viewer (undecided here)
    # Claims of this article linked as the same claim, by number ([[3, 7]]: C3 and C7):
    # each group counts once among the claims by verdict, as its first claim in the text.
    same_claims: list[list[int]] = field(default_factory=list)


def article_report(
    *, article: Article, claims: QuerySet[Claim] | None = None, viewer: Any = None
) -> ArticleReport:
    """The report of ``article`` over ``claims`` (default: all its claims), as ``viewer``
    may see it (default: everything).

    Claims by verdict use the published verdict, else the consensus verdict once
    reached; other claims are ``undecided`` and rejected claims are left out. Claims
    an editor linked as the same claim count once, as the first of them in the text. A claim
    whose ratings are hidden from ``viewer`` (``policies.can_see_others_ratings``) shows
    no verdict or consensus and counts as undecided.
    Evidence excerpts checked against their pages count among the quote checks.
    """
    claims = Claim.objects.filter(article=article) if claims is None else claims
    claims = claims.filter(article=article).select_related("consensus", "publication")
    if viewer is not None:
        claims = claims.with_rated_by_me(viewer)  # type: ignore[attr-defined]
    claim_rows = list(claims.order_by("start", "end", "id"))
    sources = list(
        Source.objects.filter(article=article)
        .annotate(relevance=latest_snapshot_value("anchor_relevance"))
        .order_by("position")
    )
    miscited = {s.pk for s in sources if may_not_be_cited_page(s.relevance)}  # type: ignore[attr-defined]
    links = defaultdict(list)
    cited_by = defaultdict(list)
    for claim_id, source_id in ClaimSource.objects.filter(claim__in=claim_rows).values_list(
        "claim_id", "source_id"
    ):
        links[claim_id].append(source_id)
        cited_by[source_id].append(claim_id)
    checks = _quote_checks(claim_rows)
    checks_of = defaultdict(list)
    for check in checks:
        checks_of[check.claim].append(check)

    active_claims = [claim for claim in claim_rows if claim.status != ClaimStatus.REJECTED]
    group_of = same_claims_in(active_claims)
    groups: dict[int, list[Claim]] = defaultdict(list)
    for claim in active_claims:  # in the order of the text
        if claim.pk in group_of:
            groups[group_of[claim.pk]].append(claim)
    counted_as = {claim.pk: members[0].pk for members in groups.values() for claim in members}
    rows = []
    by_verdict: dict[str, list[int]] = {verdict: [] for verdict in Verdict.values}
    by_verdict[UNDECIDED] = []
    for claim in claim_rows:
        hidden = viewer is not None and not policies.can_see_others_ratings(
            viewer,
            claim.status,
            has_rated=claim.rated_by_me,  # type: ignore[attr-defined]
        )
        verdict, verdict_from = (None, None) if hidden else effective_verdict(claim)
        summary = consensus_summary(claim)
        consensus = HIDDEN_CONSENSUS if hidden else summary
        rows.append(
            ClaimRow(
                id=claim.pk,
                number=claim.number,
                quote=claim.quote,
                kind=claim.kind,
                status=claim.status,
                verdict=verdict,
                verdict_from=verdict_from,
                consensus_state=consensus["state"],
                consensus_verdict=consensus["verdict"],
                agreement=consensus["agreement"],
                ratings=summary["ratings"],  # how many, not what they say
                sources=sorted(links[claim.pk]),
                quote_checks=checks_of[claim.pk],
                consensus_hidden=hidden,
                same_as=[
                    other.number
                    for other in groups.get(group_of.get(claim.pk, 0), [])
                    if other.pk != claim.pk
                ],
            )
        )
        if claim.status != ClaimStatus.REJECTED and counted_as.get(claim.pk, claim.pk) == claim.pk:
            by_verdict[verdict or UNDECIDED].append(claim.pk)

    active = [row for row in rows if row.status != ClaimStatus.REJECTED]
    citations = CitationMap(
        claims_without_sources=[row.id for row in active if not row.sources],
        claims_with_one_source=[row.id for row in active if len(row.sources) == 1],
        sources_unused=[source.pk for source in sources if not cited_by[source.pk]],
        sources_broken=[s.pk for s in sources if s.status in BROKEN_SOURCE_STATUSES],
        sources_needing_url=[s.pk for s in sources if s.status == SourceStatus.NEEDS_URL],
        sources_maybe_miscited=[s.pk for s in sources if s.pk in miscited],
    )
    return ArticleReport(
        article=article.pk,
        title=article.title,
        url=article.url,
        generated_at=timezone.now(),
        alpha=article_alpha(claims=Claim.objects.filter(pk__in=[row.id for row in rows])),
        claims_by_verdict=by_verdict,
        claims_by_status=dict(Counter(row.status for row in rows)),
        citations=citations,
        quote_checks_by_result={
            result: sum(1 for check in checks if check.result == result)
            for result in QuoteResult.values
        },
        claims=rows,
        sources=[
            SourceRow(
                id=source.pk,
                position=source.position,
                anchor_text=source.anchor_text,
                href=source.href,
                url=source.url,
                status=source.status,
                claims=sorted(cited_by[source.pk]),
                may_not_be_cited_page=source.pk in miscited,
            )
            for source in sources
        ],
        quote_checks=checks,
        claims_hidden=sum(1 for row in rows if row.consensus_hidden),
        same_claims=[[claim.number for claim in members] for members in groups.values()],
    )


def _quote_checks(claims: list[Claim]) -> list[QuoteCheckRow]:
    ids = [claim.pk for claim in claims]
    rows = (
        QuoteCheck.objects.filter(Q(claim_id__in=ids) | Q(evidence__claim_id__in=ids))
        .order_by("claim_id", "source_id", "evidence_id")
        .values_list(
            "claim_id",
            "evidence__claim_id",
            "source_id",
            "evidence_id",
            "result",
            "score",
            "quote",
            "source_wording",
        )
    )
    return [
        QuoteCheckRow(
            claim=claim_id or evidence_claim_id,
            source=source_id,
            evidence=evidence_id,
            result=result,
            score=score,
            quote=quote,
            source_wording=source_wording,
        )
        for (
            claim_id,
            evidence_claim_id,
            source_id,
            evidence_id,
            result,
            score,
            quote,
            source_wording,
        ) in rows
    ]


# --- CSV -------------------------------------------------------------------------------

MISCITED_WARNING = "this page may not be the one cited"

CSV_COLUMNS = [
    "row",
    "id",
    "number",
    "text",
    "status",
    "verdict",
    "verdict_from",
    "consensus_state",
    "agreement",
    "ratings",
    "sources",
    "claims",
    "citation",
    "url",
    "quote_checks",
    "same_claim_as",
    "warning",
]


def _safe(value: Any) -> Any:
    """Keep spreadsheet programs from running a cell as a formula (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _ids(ids: list[int]) -> str:
    return " ".join(str(pk) for pk in ids)


def report_csv(report: ArticleReport) -> str:
    """One table: a row per claim (``row`` = claim), then a row per source (``row`` = source)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    rows: list[dict[str, Any]] = []
    for claim in report.claims:
        cited = len(claim.sources)
        rows.append(
            {
                "row": "claim",
                "id": claim.id,
                "number": f"C{claim.number}",
                "text": claim.quote,
                "status": claim.status,
                "verdict": claim.verdict or "",
                "verdict_from": claim.verdict_from or "",
                "consensus_state": claim.consensus_state,
                "agreement": "" if claim.agreement is None else f"{claim.agreement:.3f}",
                "ratings": claim.ratings,
                "sources": _ids(claim.sources),
                "citation": {0: "no source", 1: "single source"}.get(cited, f"{cited} sources"),
                "quote_checks": "; ".join(
                    f"source {check.source}: {check.result}"
                    if check.source
                    else f"evidence {check.evidence}: {check.result}"
                    for check in claim.quote_checks
                ),
                "same_claim_as": " ".join(f"C{number}" for number in claim.same_as),
            }
        )
    for source in report.sources:
        rows.append(
            {
                "row": "source",
                "id": source.id,
                "text": source.anchor_text,
                "status": source.status,
                "claims": _ids(source.claims),
                "citation": "unused" if not source.claims else f"cited by {len(source.claims)}",
                "url": source.url or source.href,
                "warning": MISCITED_WARNING if source.may_not_be_cited_page else "",
            }
        )
    for row in rows:
        writer.writerow({name: _safe(value) for name, value in row.items()})
    return out.getvalue()
