"""In Chromium: a reviewer marks a claim from the Suggested claims list and dismisses
another; the reader of the opinion article shows its suggestions."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from claims.models import Claim, DismissedSuggestion
from claims.services.articles import article_import
from tests.browser.conftest import SCREENSHOTS, sign_in
from tests.conftest import DEMO_ARTICLE, SAMPLE_ARTICLE
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_claim_is_marked_and_another_dismissed_from_the_suggestions(
    page: Page, live_server, shoot
):
    reviewer = UserFactory.create(username="ana", roles=["reviewer"])
    markdown = SAMPLE_ARTICLE.read_text(encoding="utf-8")
    article = article_import(content=markdown, source_format="markdown", imported_by=reviewer)

    sign_in(page, live_server.url, reviewer.username)
    page.goto(f"{live_server.url}/articles/{article.pk}/")
    panel = page.locator("#suggestions")
    expect(panel.get_by_role("heading", name="Suggested claims")).to_be_visible()
    first = panel.locator(".suggestion").first
    text = first.locator(".suggestion__text").inner_text()
    first.get_by_role("button", name="Mark this sentence").click()

    expect(page.locator(".claim-list .claim-item")).to_have_count(1)
    claim = Claim.objects.get()
    assert claim.quote == text
    assert article.text[claim.start : claim.end] == text
    expect(page.locator("#suggestions")).not_to_contain_text(text[:60])

    second = page.locator("#suggestions .suggestion").first
    dismissed = second.locator(".suggestion__text").inner_text()
    span = f"{second.get_attribute('data-start')}-{second.get_attribute('data-end')}"
    underlined = page.locator(f'.reader .suggested[data-suggestion="{span}"]')
    expect(underlined.first).to_be_visible()  # the dotted underline in the text
    expect(page.locator(f'.suggested[data-suggestion^="{claim.start}-"]')).to_have_count(0)
    second.get_by_role("button", name="Dismiss").click()
    expect(page.locator("#suggestions")).not_to_contain_text(dismissed[:60])
    expect(underlined).to_have_count(0)
    assert DismissedSuggestion.objects.filter(article=article).count() == 1
    shoot(page, "suggestions-after-mark-and-dismiss")


def test_the_opinion_article_shows_its_suggestions(page: Page, live_server, shoot):
    if not DEMO_ARTICLE.is_file():
        pytest.skip(f"the opinion article {DEMO_ARTICLE} is absent")
    reviewer = UserFactory.create(username="ben", roles=["reviewer"])
    markdown = DEMO_ARTICLE.read_text(encoding="utf-8")
    article = article_import(content=markdown, source_format="markdown", imported_by=reviewer)

    sign_in(page, live_server.url, reviewer.username)
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{live_server.url}/articles/{article.pk}/")
    expect(page.locator("#suggestions .suggestion")).to_have_count(10)
    shoot(page, "suggestions-opinion-article")
    page.locator("#suggestions").screenshot(path=str(SCREENSHOTS / "suggestions-panel.png"))
