"""An article's report: claims by verdict, the claim-to-citation map and the quote checks,
as JSON and as CSV."""

from __future__ import annotations

import csv
import io

import pytest

from claims.models import (
    Article,
    ClaimKind,
    ClaimStatus,
    QuoteCheck,
    QuoteResult,
    Source,
    SourceStatus,
    Verdict,
)
from claims.services.claims import claim_create
from editorial.report import article_report, report_csv
from editorial.services.workflow import claim_transition
from tests.factories import ArticleFactory, ClaimFactory
from tests.workflow import publish, rate

pytestmark = pytest.mark.django_db


def sources(article: Article) -> dict[int, Source]:
    """The sample article's sources by position: 1-4 have a URL, 5 ("up for renewal") none."""
    return {source.position: source for source in article.sources.all()}


@pytest.fixture
def claimed(sample_article: Article, reviewer, editor):
    """Claims on the sample article: one on no source, one on a single source, one on two,
    and a rejected one that the citation map leaves out."""
    by_position = sources(sample_article)
    no_source = claim_create(
        article=sample_article,
        created_by=reviewer,
        quote="Riverside planted 4,000 street trees in 2023",
    )
    one_source = claim_create(
        article=sample_article,
        created_by=reviewer,
        quote="Councillor Dana Ruiz said the programme",
        sources=[by_position[3]],
    )
    two_sources = claim_create(
        article=sample_article,
        created_by=reviewer,
        quote="put the planting budget at 1.2 million dollars",
        kind=ClaimKind.QUOTE,
        sources=[by_position[4], by_position[2]],
    )
    rejected = claim_create(
        article=sample_article, created_by=reviewer, quote="the best thing the city has done"
    )
    claim_transition(claim=rejected, to_status=ClaimStatus.REJECTED, user=editor, note="Opinion.")
    return no_source, one_source, two_sources, rejected


def test_the_citation_map_before_any_claim(sample_article: Article) -> None:
    report = article_report(article=sample_article)

    by_position = sources(sample_article)
    all_five = [source.pk for source in by_position.values()]
    assert len(all_five) == 5
    assert report.citations.sources_needing_url == [by_position[5].pk]
    assert report.citations.sources_unused == all_five
    assert report.citations.sources_broken == []
    assert report.citations.claims_without_sources == []
    assert report.claims == []


def test_the_citation_map_with_claims(sample_article: Article, claimed) -> None:
    no_source, one_source, two_sources, _rejected = claimed
    by_position = sources(sample_article)
    Source.objects.filter(pk=by_position[1].pk).update(status=SourceStatus.DEAD)

    report = article_report(article=sample_article)

    citations = report.citations
    assert citations.claims_without_sources == [no_source.pk]
    assert citations.claims_with_one_source == [one_source.pk]
    assert citations.sources_unused == [by_position[1].pk, by_position[5].pk]
    assert citations.sources_broken == [by_position[1].pk]
    assert citations.sources_needing_url == [by_position[5].pk]
    cited = {row.id: row.claims for row in report.sources}
    assert cited[by_position[4].pk] == cited[by_position[2].pk] == [two_sources.pk]
    rows = {row.id: row.sources for row in report.claims}
    assert rows[two_sources.pk] == sorted([by_position[2].pk, by_position[4].pk])


def test_claims_by_verdict_use_the_published_verdict_else_the_consensus(
    sample_article: Article, claimed, editor
) -> None:
    no_source, one_source, two_sources, rejected = claimed
    rate(no_source, Verdict.FALSE, Verdict.FALSE)  # consensus: false
    rate(one_source, Verdict.TRUE, Verdict.TRUE)
    publish(one_source, editor, Verdict.MOSTLY_TRUE, note="Close enough.")  # published wins
    rate(two_sources, Verdict.TRUE, Verdict.FALSE)  # disputed: undecided
    rate(rejected, Verdict.OPINION, Verdict.OPINION)  # rejected: left out

    report = article_report(article=sample_article)

    assert {verdict: ids for verdict, ids in report.claims_by_verdict.items() if ids} == {
        "false": [no_source.pk],
        "mostly_true": [one_source.pk],
        "undecided": [two_sources.pk],
    }
    rows = {row.id: row for row in report.claims}
    assert (rows[one_source.pk].verdict_from, rows[one_source.pk].consensus_verdict) == (
        "published",
        "true",
    )
    assert rows[no_source.pk].verdict_from == "consensus"
    assert rows[two_sources.pk].consensus_state == "disputed"
    # Their first ratings started their review.
    assert report.claims_by_status == {"in_review": 2, "published": 1, "rejected": 1}
    assert report.alpha is not None


def test_the_report_lists_the_quote_checks(sample_article: Article, claimed) -> None:
    _no_source, _one_source, two_sources, _rejected = claimed
    by_position = sources(sample_article)
    QuoteCheck.objects.create(
        claim=two_sources, source=by_position[2], quote="x", result=QuoteResult.EXACT, score=1.0
    )
    QuoteCheck.objects.create(
        claim=two_sources, source=by_position[4], quote="x", result=QuoteResult.NOT_FOUND
    )

    report = article_report(article=sample_article)

    assert report.quote_checks_by_result == {
        "exact": 1,
        "altered": 0,
        "not_found": 1,
        "source_unavailable": 0,
    }
    (row,) = [row for row in report.claims if row.id == two_sources.pk]
    assert {(check.source, check.result) for check in row.quote_checks} == {
        (by_position[2].pk, "exact"),
        (by_position[4].pk, "not_found"),
    }


def test_the_report_as_json(reviewer_api, sample_article: Article, claimed) -> None:
    no_source, *_ = claimed

    response = reviewer_api.get(f"/api/v1/articles/{sample_article.pk}/report/")

    assert response.status_code == 200
    body = response.json()
    assert body["article"] == sample_article.pk
    assert body["citations"]["claims_without_sources"] == [no_source.pk]
    assert len(body["citations"]["sources_needing_url"]) == 1
    assert {row["id"] for row in body["claims"]} >= {no_source.pk}
    assert body["claims_by_verdict"]["undecided"]


def test_the_report_as_csv(reviewer_api, sample_article: Article, claimed) -> None:
    no_source, one_source, two_sources, rejected = claimed

    response = reviewer_api.get(f"/api/v1/articles/{sample_article.pk}/report/", {"format": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    claims = {int(row["id"]): row for row in rows if row["row"] == "claim"}
    sources_ = [row for row in rows if row["row"] == "source"]
    assert set(claims) == {no_source.pk, one_source.pk, two_sources.pk, rejected.pk}
    assert claims[no_source.pk]["citation"] == "no source"
    assert claims[one_source.pk]["citation"] == "single source"
    assert claims[two_sources.pk]["citation"] == "2 sources"
    assert len(sources_) == 5
    assert sum(row["citation"] == "unused" for row in sources_) == 2
    assert [row["status"] for row in sources_] == ["pending"] * 4 + ["needs_url"]


def test_csv_cells_cannot_run_as_spreadsheet_formulas() -> None:
    article = ArticleFactory.create(text="=HYPERLINK(1) and @SUM(2) are text.")
    ClaimFactory.create(article=article, start=0, end=13)

    rows = list(csv.DictReader(io.StringIO(report_csv(article_report(article=article)))))

    assert rows[0]["text"] == "'=HYPERLINK(1)"


def test_errors_of_the_csv_report_are_json(reviewer_api, api) -> None:
    missing = reviewer_api.get("/api/v1/articles/999999/report/", {"format": "csv"})
    anonymous = api.get("/api/v1/articles/1/report/", {"format": "csv"})

    assert missing.status_code == 404
    assert missing["Content-Type"] == "application/json"
    assert missing.json()["detail"]
    assert anonymous.status_code == 401
    assert anonymous.json()["detail"]


def test_an_unknown_format_is_a_json_404(reviewer_api, sample_article: Article) -> None:
    response = reviewer_api.get(f"/api/v1/articles/{sample_article.pk}/report/", {"format": "xls"})

    assert response.status_code == 404
    assert response.json()["detail"]
