"""The reader shows the article in its form: headings, quotes, lists and emphasis, without
repeating the title and byline that its header already shows."""

from __future__ import annotations

import lxml.html
import pytest
from django.test import Client

from claims.services.articles import article_import
from claims.services.claims import claim_create
from tests.conftest import demo_article_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_(client: Client, reviewer) -> Client:
    client.force_login(reviewer)
    return client


def article_body(client: Client, article) -> lxml.html.HtmlElement:
    response = client.get(f"/articles/{article.pk}/")
    assert response.status_code == 200
    (body,) = lxml.html.fromstring(response.content).xpath("//*[@id='article-text']")
    return body


def text_of(element: lxml.html.HtmlElement) -> str:
    for marker in element.xpath(".//*[@data-nontext]"):
        marker.drop_tree()
    return element.text_content()


def test_the_reader_shows_the_sample_in_its_form_and_its_text_unchanged(
    client_: Client, sample_article, reviewer
):
    claim = claim_create(
        article=sample_article, created_by=reviewer, quote="Riverside will reach 30 percent canopy"
    )
    body = article_body(client_, sample_article)
    (quote,) = body.xpath("blockquote")
    assert quote.xpath("p/mark")[0].text == "Riverside will reach 30 percent canopy"
    assert quote.xpath("p/mark")[0].get("data-claims") == str(claim.pk)
    # The title, byline and the "Source:" line are in the header; here they are hidden.
    hidden = body[0]
    assert hidden.get("class") == "gap"
    assert hidden.text.startswith("Riverside's tree pledge")
    # ... unless a citation stands in them: the "Source:" line links to the Ledger.
    assert text_of(body.xpath("p")[0]) == "Source: The Riverside Ledger"
    assert text_of(body) == sample_article.text


def test_the_opinion_articles_quotations_and_emphasis_are_shown(client_: Client, reviewer):
    article = article_import(
        content=demo_article_text(), source_format="markdown", imported_by=reviewer
    )
    quote = "Relatively safe enclaves should emerge from this effort."
    claim = claim_create(article=article, created_by=reviewer, quote=quote)
    body = article_body(client_, article)
    quotes = body.xpath("blockquote")
    assert len(quotes) == 3
    assert quotes[1].xpath(".//em/strong")[0].text_content().startswith("But in the short term")
    (mark,) = body.xpath(f"//mark[@data-claims='{claim.pk}']")
    assert mark.text == quote
    assert [a.tag for a in mark.iterancestors()][:4] == ["strong", "em", "p", "blockquote"]
    assert body.xpath("h3")[0].text_content() == "ISIS is Clearly the Product of State-Sponsorship"
    assert not body.xpath("h2")  # the title is the page's own heading, not repeated
    assert text_of(body) == article.text


def test_the_side_panel_is_one_jump_away(client_: Client, sample_article):
    response = client_.get(f"/articles/{sample_article.pk}/")
    page = lxml.html.fromstring(response.content)
    (jump,) = page.xpath("//a[@class='jump-to-side']")
    assert jump.get("href") == "#reader-side"
    assert "Claims (0) and sources (5)" in jump.text_content()
    assert page.xpath("//aside[@id='reader-side']")


def test_the_claim_page_shows_the_passage_in_its_form(client_: Client, sample_article, reviewer):
    claim = claim_create(
        article=sample_article, created_by=reviewer, quote="Riverside will reach 30 percent canopy"
    )
    response = client_.get(f"/claims/{claim.pk}/")
    assert response.status_code == 200
    marks = lxml.html.fromstring(response.content).xpath("//blockquote/p/mark")
    assert [mark.text for mark in marks] == ["Riverside will reach 30 percent canopy"]
