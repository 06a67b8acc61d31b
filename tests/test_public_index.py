"""The public index of fact-checks, its Atom feed, the sitemap and the methodology page."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from claims.models import ArticleStatus, Claim, ClaimStatus, Verdict
from claims.transitions import TRANSITIONS
from editorial.models import SitePage, SiteText
from editorial.selectors import PUBLIC_FILTERS
from editorial.services.workflow import claim_publish
from tests.factories import ArticleFactory, ClaimantFactory, ClaimFactory
from tests.workflow import publish
from web.forms import PublicSearchForm

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def fact_checks(editor) -> dict[str, Any]:
    article = ArticleFactory.create(title="Trees in the city", status=ArticleStatus.PUBLISHED)
    false = ClaimFactory.create(article=article, start=0, end=20)
    publish(false, editor, Verdict.FALSE, rationale="The parks department counted fewer.")
    true = ClaimFactory.create(article=article, start=21, end=40)
    publish(true, editor, Verdict.TRUE, rationale="Exactly as reported.")
    hidden = ClaimFactory.create(article=ArticleFactory.create(status=ArticleStatus.DRAFT))
    publish(hidden, editor, Verdict.FALSE)
    return {"false": false, "true": true, "hidden": hidden}


def links(html: str) -> set[str]:
    return {part.split('"', 1)[0] for part in html.split('href="')[1:] if part.startswith("/fact")}


def test_the_index_lists_public_fact_checks_newest_first(fact_checks):
    response = Client().get("/fact-checks/")
    html = response.content.decode()

    assert response.status_code == 200
    first, second = (
        f"/fact-checks/{fact_checks['true'].pk}/",
        f"/fact-checks/{fact_checks['false'].pk}/",
    )
    assert html.index(f'href="{first}"') < html.index(f'href="{second}"')
    assert f"/fact-checks/{fact_checks['hidden'].pk}/" not in html
    assert "2 fact-checks." in html


def test_the_index_filters_by_verdict(fact_checks):
    html = Client().get("/fact-checks/?verdict=false").content.decode()

    assert f"/fact-checks/{fact_checks['false'].pk}/" in links(html)
    assert f"/fact-checks/{fact_checks['true'].pk}/" not in links(html)
    assert "1 fact-check." in html


def test_the_index_filters_by_claimant(fact_checks):
    dana = ClaimantFactory.create(name="Dana Ruiz")
    unpublished = ClaimantFactory.create(name="Lee Park")
    Claim.objects.filter(pk=fact_checks["true"].pk).update(claimant=dana)
    ClaimFactory.create(claimant=unpublished)

    html = Client().get(f"/fact-checks/?claimant={dana.pk}").content.decode()

    assert f"/fact-checks/{fact_checks['true'].pk}/" in links(html)
    assert f"/fact-checks/{fact_checks['false'].pk}/" not in links(html)
    assert "Claimed by Dana Ruiz" in html
    # The filter offers the claimants who have a public fact-check, no one else.
    assert f'<option value="{dana.pk}" selected>Dana Ruiz</option>' in html
    assert "Lee Park" not in html
    refused = Client().get(f"/fact-checks/?claimant={unpublished.pk}").content.decode()
    assert "Select a valid choice" in refused


def test_the_index_searches_by_words(fact_checks):
    html = Client().get("/fact-checks/?q=parks+counted").content.decode()

    assert f"/fact-checks/{fact_checks['false'].pk}/" in links(html)
    assert f"/fact-checks/{fact_checks['true'].pk}/" not in links(html)


def test_a_bad_filter_lists_everything_rather_than_failing(fact_checks):
    response = Client().get("/fact-checks/?verdict=nonsense&page=99")

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_the_index_pages_in_a_fixed_number_of_queries(editor, django_assert_max_num_queries):
    article = ArticleFactory.create(status=ArticleStatus.PUBLISHED)
    for n in range(25):
        claim = ClaimFactory.create(article=article, start=n, end=n + 5)
        publish(claim, editor, Verdict.TRUE)

    with django_assert_max_num_queries(4):
        first = Client().get("/fact-checks/")
    assert first.content.decode().count('class="public-item"') == 20
    assert Client().get("/fact-checks/?page=2").content.decode().count('class="public-item"') == 5


def test_each_filter_of_the_index_is_a_field_of_its_form():
    assert set(PUBLIC_FILTERS) == set(PublicSearchForm.base_fields) - {"q"}


def test_the_feed_is_atom_with_each_public_fact_check(fact_checks):
    response = Client().get("/fact-checks/feed/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    entries = feed.findall(f"{ATOM}entry")
    hrefs = {entry.find(f"{ATOM}link").get("href") for entry in entries}  # type: ignore[union-attr]
    assert hrefs == {
        f"http://testserver/fact-checks/{fact_checks['false'].pk}/",
        f"http://testserver/fact-checks/{fact_checks['true'].pk}/",
    }
    titles = {entry.findtext(f"{ATOM}title") for entry in entries}
    assert f"False: {fact_checks['false'].quote}" in titles


def test_the_sitemap_lists_the_public_pages(fact_checks):
    response = Client().get("/sitemap.xml")

    assert response.status_code == 200
    sitemap = ET.fromstring(response.content)
    locations = {url.findtext(f"{SITEMAP}loc") for url in sitemap.findall(f"{SITEMAP}url")}
    assert locations == {
        f"http://testserver/fact-checks/{fact_checks['false'].pk}/",
        f"http://testserver/fact-checks/{fact_checks['true'].pk}/",
        "http://testserver/fact-checks/",
        "http://testserver/corrections/",
        "http://testserver/methodology/",
    }


def test_a_correction_moves_the_sitemaps_lastmod(fact_checks, editor, monkeypatch):
    later = timezone.now() + timedelta(days=5)
    monkeypatch.setattr(timezone, "now", lambda: later)
    claim_publish(
        claim=fact_checks["true"],
        editor=editor,
        verdict=Verdict.MOSTLY_TRUE,
        rationale="Nearly.",
        correction="Slightly fewer.",
    )

    sitemap = ET.fromstring(Client().get("/sitemap.xml").content)
    lastmods = {
        url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod")
        for url in sitemap.findall(f"{SITEMAP}url")
    }
    lastmod = lastmods[f"http://testserver/fact-checks/{fact_checks['true'].pk}/"] or ""
    assert lastmod.startswith(later.date().isoformat())


def test_the_methodology_page_is_built_from_the_apps_definitions(settings):
    settings.CONSENSUS_MIN_RATINGS = 3
    settings.CONSENSUS_MIN_AGREEMENT = 0.75
    SiteText.objects.create(
        page=SitePage.METHODOLOGY, body="We check claims.\n\n<b>Independently</b>."
    )

    html = Client().get("/methodology/").content.decode()

    for verdict in Verdict:
        assert verdict.label in html
        assert verdict.description.replace("'", "&#x27;") in html
    assert "at least 3 ratings" in html
    assert "at least 75%" in html
    assert html.count("<tr><td>") == len(TRANSITIONS)
    assert ClaimStatus.REJECTED.label in html
    assert "<p>We check claims.</p>" in html
    assert "&lt;b&gt;Independently&lt;/b&gt;" in html


def test_the_feed_and_the_sitemap_link_to_the_public_base_url(fact_checks, settings):
    settings.PUBLIC_BASE_URL = "https://checks.example.org"
    page = f"https://checks.example.org/fact-checks/{fact_checks['true'].pk}/"

    feed = ET.fromstring(Client().get("/fact-checks/feed/").content)
    sitemap = ET.fromstring(Client().get("/sitemap.xml").content)

    entry_links = {e.find(f"{ATOM}link").get("href") for e in feed.findall(f"{ATOM}entry")}  # type: ignore[union-attr]
    assert page in entry_links
    assert page in {url.findtext(f"{SITEMAP}loc") for url in sitemap.findall(f"{SITEMAP}url")}
