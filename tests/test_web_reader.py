"""The article reader: the text with its claims and citations, the live sources panel."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from claims.models import ClaimStatus, SourceStatus
from claims.services.articles import article_import
from claims.services.claims import claim_create
from tests.bigarticle import build_big_article
from tests.factories import SnapshotFactory
from tests.workflow import publish, rate

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_(client: Client, reviewer) -> Client:
    client.force_login(reviewer)
    return client


def page(client: Client, article) -> str:
    response = client.get(f"/articles/{article.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_reader_shows_the_text_claims_citations_and_sources(
    client_: Client, sample_article, reviewer
):
    claim = claim_create(
        article=sample_article, created_by=reviewer, quote="Riverside will reach 30 percent canopy"
    )
    html = page(client_, sample_article)
    assert "<h1>Riverside&#x27;s tree pledge: 4,000 planted, or 4,000 promised?</h1>" in html
    mark = f'<mark class="hl hl-st-open" data-claims="{claim.pk}">'
    assert f"{mark}Riverside will reach 30 percent canopy</mark>" in html
    assert f'href="/claims/{claim.pk}/"' in html
    assert '<span class="cite" data-sources=' in html
    assert html.count('class="source"') == sample_article.sources.count()
    assert "Supply the URL to fetch" in html
    assert "What the colours mean" in html


@pytest.mark.usefixtures("every_rating_shown")
def test_a_claim_takes_the_colour_of_its_consensus_then_of_its_published_verdict(
    client_: Client, sample_article, reviewer, editor
):
    claim = claim_create(
        article=sample_article, created_by=reviewer, quote="Riverside will reach 30 percent canopy"
    )
    rate(claim, "mostly_true", "mostly_true")
    assert f'<mark class="hl hl-v-mostly_true" data-claims="{claim.pk}">' in page(
        client_, sample_article
    )
    publish(claim, editor, "mixed")
    html = page(client_, sample_article)
    assert f'<mark class="hl hl-v-mixed" data-claims="{claim.pk}">' in html
    assert "Published: Mixed" in html


def test_disputed_and_rejected_claims_have_their_own_colours(
    client_: Client, sample_article, reviewer, editor
):
    from editorial.services.workflow import claim_transition

    disputed = claim_create(
        article=sample_article, created_by=reviewer, quote="a third of the saplings died"
    )
    rate(disputed, "true", "false")
    rejected = claim_create(
        article=sample_article, created_by=reviewer, quote="the best thing the city has done"
    )
    claim_transition(
        claim=rejected, to_status=ClaimStatus.REJECTED, user=editor, note="Not a claim."
    )
    html = page(client_, sample_article)
    assert "hl-st-disputed" in html
    assert "hl-st-rejected" in html


def test_article_html_is_never_rendered_only_its_text(client_: Client, reviewer):
    article = article_import(
        content=(
            "<h1>Title <img src=x onerror=alert(1)></h1>"
            "<p>Safe &lt;script&gt;alert(1)&lt;/script&gt; "
            "<a href='javascript:alert(1)'>click <b>me</b></a> "
            "<iframe src='https://evil.example'></iframe></p>"
        ),
        source_format="html",
        imported_by=reviewer,
    )
    html = page(client_, article)
    body = html[html.index('id="article-text"') :]
    assert "<script>alert" not in body
    assert "<img" not in body
    assert "<iframe" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "javascript:" not in re.sub(r"<code>[^<]*</code>", "", html)


def test_overlapping_claims_are_both_marked(client_: Client, sample_article, reviewer):
    outer = claim_create(
        article=sample_article,
        created_by=reviewer,
        quote="If the survival rate holds, Riverside will reach 30 percent canopy by 2035.",
    )
    inner = claim_create(
        article=sample_article, created_by=reviewer, quote="Riverside will reach", start=None
    )
    html = page(client_, sample_article)
    assert f'data-claims="{outer.pk} {inner.pk}">Riverside will reach</mark>' in html
    assert "hl-multi" in html


def test_the_sources_panel_polls_only_while_sources_are_being_fetched(
    client_: Client, sample_article
):
    poll = f'hx-get="/articles/{sample_article.pk}/sources/" hx-trigger="every 3s"'
    assert poll in page(client_, sample_article)  # four citations wait for their fetch
    fetchable = sample_article.sources.filter(status=SourceStatus.PENDING)
    assert fetchable.update(status=SourceStatus.FAILED) == 4
    # What is left needs a URL: nothing to wait for.
    assert "every 3s" not in page(client_, sample_article)


def test_the_poll_answers_each_sources_state_out_of_band_and_stops_when_done(
    client_: Client, sample_article
):
    source = sample_article.sources.first()
    others = sample_article.sources.filter(status=SourceStatus.PENDING).exclude(pk=source.pk)
    others.update(status=SourceStatus.FAILED)
    source.status = SourceStatus.FETCHING
    source.save()
    response = client_.get(
        f"/articles/{sample_article.pk}/sources/", headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert html.count('hx-swap-oob="true"') == sample_article.sources.count() + 2
    assert f'id="source-{source.pk}-state" hx-swap-oob="true"' in html
    assert "Fetching" in html
    assert "every 3s" in html

    source.status = SourceStatus.OK
    source.save()
    SnapshotFactory.create(source=source, title="The Report\u2019s <Title>")
    html = client_.get(f"/articles/{sample_article.pk}/sources/").content.decode()
    assert "every 3s" not in html
    assert "The Report\u2019s &lt;Title&gt;" in html
    assert "1 fetched" in html


def test_the_reader_renders_a_large_article_with_a_fixed_number_of_queries(
    client_: Client, django_assert_max_num_queries
):
    article = build_big_article(claims=300, evidence=1000, ratings=3000, sources=60, matches=10)
    with django_assert_max_num_queries(16) as queries:
        html = page(client_, article)
    assert html.count('class="claim-item"') == 300
    assert html.count('<a class="claim-ref') == 300
    assert html.count('class="checked-mark"') == 300
    small = build_big_article(claims=5, evidence=3, ratings=4, sources=2)
    with django_assert_max_num_queries(len(queries)):
        page(client_, small)
