"""The article report page: claims by verdict as a chart, the claim-to-citation map,
the quote checks and Krippendorff's alpha, with the JSON and CSV downloads."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from claims.models import Article, QuoteResult, SourceStatus, Verdict
from editorial.report import UNDECIDED, ArticleReport, ClaimRow, SourceRow, article_report
from web.reader import excerpt
from web.verdicts import UNRATED, verdict_look
from web.views.common import reviewer_required

# The chart's geometry (SVG user units): a label column, the bars, then the counts.
CHART_WIDTH = 640
LABEL_WIDTH = 150
BAR_SPACE = 420
ROW_HEIGHT = 30
BAR_HEIGHT = 20


@dataclass(frozen=True, slots=True)
class Bar:
    verdict: str
    key: str  # the look's CSS suffix, as in web/verdicts.py
    label: str
    count: int
    percent: int
    y: int
    width: int
    text_y: int
    count_x: int


def verdict_bars(by_verdict: dict[str, list[int]]) -> list[Bar]:
    """One bar per verdict (then the undecided claims), scaled to the largest count."""
    rows: list[tuple[str, str, str]] = [
        (verdict, verdict_look(verdict).key, verdict_look(verdict).label)
        for verdict in Verdict.values
    ]
    rows.append((UNDECIDED, UNRATED.key, "Undecided"))
    counts = [len(by_verdict.get(verdict, [])) for verdict, _, _ in rows]
    top, total = max(counts, default=0), sum(counts)
    bars = []
    for index, ((verdict, key, label), count) in enumerate(zip(rows, counts, strict=True)):
        width = round(BAR_SPACE * count / top) if top else 0
        y = index * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) // 2
        bars.append(
            Bar(
                verdict=verdict,
                key=key,
                label=label,
                count=count,
                percent=round(100 * count / total) if total else 0,
                y=y,
                width=max(width, 2) if count else 0,
                text_y=y + BAR_HEIGHT // 2,
                count_x=LABEL_WIDTH + max(width, 2 if count else 0) + 6,
            )
        )
    return bars


def _claim_item(row: ClaimRow, claims_url: str) -> dict[str, Any]:
    return {
        "id": row.id,
        "label": f"C{row.number}",
        "url": f"{claims_url}{row.id}/",
        "excerpt": excerpt(row.quote, 140),
    }


def _source_item(row: SourceRow, reader_url: str) -> dict[str, Any]:
    return {
        "id": row.id,
        "position": row.position,
        "anchor_text": excerpt(row.anchor_text, 120),
        "url": row.url or row.href,
        "status": row.status,
        "status_label": SourceStatus(row.status).label,
        "reader_url": f"{reader_url}#source-{row.id}",
        "may_not_be_cited_page": row.may_not_be_cited_page,
    }


def report_context(article: Article, report: ArticleReport) -> dict[str, Any]:
    claims_url = reverse("web:claims")
    reader_url = reverse("web:article", args=[article.pk])
    claims = {row.id: _claim_item(row, claims_url) for row in report.claims}
    sources = {row.id: _source_item(row, reader_url) for row in report.sources}
    citations = report.citations
    bars = verdict_bars(report.claims_by_verdict)
    api_url = reverse("editorial-api:article-report", args=[article.pk])
    return {
        "article": article,
        "report": report,
        "bars": bars,
        "charted": sum(bar.count for bar in bars),
        "chart": {
            "width": CHART_WIDTH,
            "height": len(bars) * ROW_HEIGHT,
            "label_x": LABEL_WIDTH - 8,
            "bar_x": LABEL_WIDTH,
            "bar_height": BAR_HEIGHT,
        },
        "claims_without_sources": [claims[pk] for pk in citations.claims_without_sources],
        "claims_with_one_source": [claims[pk] for pk in citations.claims_with_one_source],
        "sources_unused": [sources[pk] for pk in citations.sources_unused],
        "sources_broken": [sources[pk] for pk in citations.sources_broken],
        "sources_needing_url": [sources[pk] for pk in citations.sources_needing_url],
        "sources_maybe_miscited": [sources[pk] for pk in citations.sources_maybe_miscited],
        "quote_checks": [
            {
                "check": check,
                "label": QuoteResult(check.result).label,
                "claim": claims.get(check.claim) if check.claim else None,
                "source": sources.get(check.source) if check.source else None,
            }
            for check in report.quote_checks
        ],
        "quote_results": [
            (result, label, report.quote_checks_by_result.get(result, 0))
            for result, label in QuoteResult.choices
        ],
        "json_url": api_url,
        "csv_url": f"{api_url}?format=csv",
    }


@require_safe
@reviewer_required
def article_report_page(request: HttpRequest, article_id: int) -> HttpResponse:
    article = get_object_or_404(Article.objects.defer("source_text", "text"), pk=article_id)
    report = article_report(article=article, viewer=request.user)
    return render(request, "web/article_report.html", report_context(article, report))
