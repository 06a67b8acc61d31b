"""The article report page: the verdict chart, the claim-to-citation map, the quote checks."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from claims.models import Article, ClaimKind, QuoteCheck, QuoteResult, Source, SourceStatus
from claims.services.claims import claim_create
from tests.bigarticle import build_big_article
from tests.workflow import publish, rate

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_(client: Client, reviewer) -> Client:
    client.force_login(reviewer)
    return client


def report_page(client: Client, article: Article) -> str:
    response = client.get(f"/articles/{article.pk}/report/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def claimed(sample_article: Article, reviewer, editor):
    by_position = {source.position: source for source in sample_article.sources.all()}
    no_source = claim_create(
        article=sample_article,
        created_by=reviewer,
        quote="Riverside planted 4,000 street trees in 2023",
    )
    one_source = claim_create(
        article=sample_article,
        created_by=reviewer,
        quote="Councillor Dana Ruiz said the programme",
        kind=ClaimKind.QUOTE,
        sources=[by_position[3]],
    )
    rate(no_source, "false", "false")
    publish(one_source, editor, "mixed")
    Source.objects.filter(pk=by_position[1].pk).update(status=SourceStatus.DEAD)
    QuoteCheck.objects.create(
        claim=one_source,
        source=by_position[3],
        quote="Councillor Dana Ruiz said the <programme>",
        source_wording="Councillor Dana Ruiz said the <scheme>",
        result=QuoteResult.ALTERED,
        score=0.8,
    )
    return no_source, one_source, by_position


def test_the_reader_links_to_the_report(client_: Client, sample_article: Article) -> None:
    response = client_.get(f"/articles/{sample_article.pk}/")
    assert f'href="/articles/{sample_article.pk}/report/"' in response.content.decode()


@pytest.mark.usefixtures("every_rating_shown")
def test_the_report_shows_the_chart_the_map_and_the_quote_checks(
    client_: Client, sample_article: Article, claimed
) -> None:
    no_source, one_source, by_position = claimed
    html = report_page(client_, sample_article)

    # The chart: one bar per verdict and the undecided, titled, with a table fallback.
    start = html.index('<svg class="report-chart"')
    chart = html[start : html.index("</svg>", start)]
    assert 'role="img"' in chart
    assert '<title id="chart-title">Claims by verdict (2 claims)</title>' in chart
    assert chart.count("<rect ") == 9
    assert 'class="report-chart__bar hl-v-false"' in chart
    assert 'class="report-chart__bar hl-v-mixed"' in chart
    assert re.search(r'data-verdict="false">.*?>1</text>', chart, re.S)
    assert 'id="verdicts-table"' in html
    assert '<th scope="row">False</th><td>1</td><td>50%</td>' in html

    # The citation map links to the claims and to the sources in the reader.
    citation_map = html[html.index('id="citation-map"') : html.index('id="quote-checks"')]
    assert f'href="/claims/{no_source.pk}/"' in citation_map
    assert f'href="/claims/{one_source.pk}/"' in citation_map
    assert f'href="/articles/{sample_article.pk}/#source-{by_position[1].pk}"' in citation_map
    assert "Dead link" in citation_map
    assert "https://ledger.example.org/" in citation_map

    # The quote checks: result, score and both wordings, escaped.
    checks = html[html.index('id="quote-checks"') :]
    assert "Altered" in checks
    assert "80% similar" in checks
    assert "&lt;programme&gt;" in checks
    assert "&lt;scheme&gt;" in checks
    assert "<programme>" not in html

    assert f'href="/api/v1/articles/{sample_article.pk}/report/"' in html
    assert f'href="/api/v1/articles/{sample_article.pk}/report/?format=csv"' in html


def test_an_empty_report_still_renders(client_: Client, sample_article: Article) -> None:
    html = report_page(client_, sample_article)
    assert "No claims to chart yet." in html
    assert 'id="verdicts-table"' in html
    assert "No quote has been checked yet" in html
    # All five sources are unused, and one of them also needs a URL.
    assert html.count(f"/articles/{sample_article.pk}/#source-") == 5 + 1


def test_user_text_is_escaped(client_: Client, sample_article: Article, reviewer) -> None:
    sample_article.title = "<script>alert(1)</script>"
    sample_article.save()
    Source.objects.filter(article=sample_article).update(anchor_text="<img src=x onerror=alert(1)>")
    html = report_page(client_, sample_article)
    assert "<script>alert(1)" not in html
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_anonymous_visitors_are_sent_to_sign_in(client: Client, sample_article: Article) -> None:
    response = client.get(f"/articles/{sample_article.pk}/report/")
    assert response.status_code == 302
    assert response["Location"].startswith("/signin/?next=")


def test_users_without_a_role_are_refused(
    client: Client, outsider, sample_article: Article
) -> None:
    client.force_login(outsider)
    assert client.get(f"/articles/{sample_article.pk}/report/").status_code == 403


def test_an_unknown_article_is_a_404(client_: Client) -> None:
    assert client_.get("/articles/999999/report/").status_code == 404
    assert client_.get("/articles/1234567890123456789012/report/").status_code == 404


def test_the_report_page_takes_a_fixed_number_of_queries(
    client_: Client, sample_article: Article, claimed, django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(11) as queries:  # with the header's unread count
        report_page(client_, sample_article)
    big = build_big_article(claims=200, evidence=300, ratings=600, sources=40)
    with django_assert_max_num_queries(len(queries)):
        html = report_page(client_, big)
    assert "Claims by verdict (" in html
