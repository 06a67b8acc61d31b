"""In Chromium: the opinion article reads as printed (quotations as block quotes, the
emphasis its author added in bold), a claim selected inside a quotation is stored at the
right offsets, every claim's highlight is exactly its quote, and on a phone the claims
panel is one tap away."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from claims.models import Claim
from claims.services.articles import article_import
from claims.services.claims import claim_create
from tests.browser.conftest import select_text, sign_in
from tests.conftest import demo_article_text
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

ADDED = "A Syria of enclaves or cantons may be the best possible outcome for now"
ACROSS = "as well as continuing to attack the Islamic State from the air."


def highlighted(page: Page, claim_id: int) -> str:
    return page.evaluate(
        """(id) => Array.from(document.querySelectorAll(`mark[data-claims~="${id}"]`))
                     .map((mark) => mark.textContent).join("")""",
        str(claim_id),
    )


def test_quotations_and_emphasis_show_and_claims_stay_exact(page: Page, live_server, shoot):
    markdown = demo_article_text()
    reviewer = UserFactory.create(username="ana", roles=["reviewer"])
    article = article_import(content=markdown, source_format="markdown", imported_by=reviewer)
    start = article.text.index(ACROSS)
    # From the end of one quoted paragraph into the next one, which is in bold too.
    across = claim_create(
        article=article,
        created_by=reviewer,
        quote=article.text[start : article.text.index("Relatively") + 10],
    )
    claim_create(article=article, created_by=reviewer, quote="Logistics is the lifeblood of war.")

    sign_in(page, live_server.url, reviewer.username)
    page.goto(f"{live_server.url}/articles/{article.pk}/")
    body = page.locator("#article-text")
    quotes = body.locator("blockquote")
    expect(quotes).to_have_count(3)
    expect(quotes.nth(1)).to_contain_text("The end-game for these zones")
    first_quote = quotes.first
    assert first_quote.evaluate("(q) => getComputedStyle(q).borderLeftWidth") == "4px"
    added = quotes.nth(1).locator("strong").first
    expect(added).to_contain_text("But in the short term")
    assert added.evaluate("(e) => getComputedStyle(e).fontWeight") == "700"
    assert added.evaluate("(e) => getComputedStyle(e).fontStyle") == "italic"
    # The title and byline are in the header only.
    expect(body.locator("h2")).to_have_count(0)
    expect(body.get_by_text("By Tony Cartalucci", exact=True)).to_be_hidden()
    shoot(page, "reader-form-top", full_page=False)
    quotes.first.scroll_into_view_if_needed()
    shoot(page, "reader-form-first-quote", full_page=False)

    # A passage selected inside the bold, italic quotation becomes a claim at its offsets.
    select_text(page, ADDED)
    page.get_by_role("button", name="Mark as claim").click()
    dialog = page.get_by_role("dialog", name="Mark a claim")
    expect(dialog.get_by_role("textbox", name="Passage")).to_have_value(ADDED)
    dialog.get_by_role("button", name="Mark claim").click()
    page.wait_for_url(re.compile(r"\?marked=\d+#hl-\d+$"))
    selected = Claim.objects.get(quote=ADDED)
    assert article.text[selected.start : selected.end] == ADDED

    for claim in Claim.objects.filter(article=article):
        assert article.text[claim.start : claim.end] == claim.quote
        # Every character is highlighted but the blank lines between paragraphs.
        assert highlighted(page, claim.pk) == re.sub(r"\s*\n\s*", "", claim.quote)
    assert "\n\n" in across.quote
    marks = page.locator(f'mark[data-claims~="{across.pk}"]')
    assert marks.count() >= 2  # one in each paragraph it spans
    page.locator(f'mark[data-claims~="{selected.pk}"]').first.scroll_into_view_if_needed()
    shoot(page, "reader-form-quotations", full_page=False)
    shoot(page, "reader-form-full")


def test_on_a_phone_the_claims_panel_is_one_tap_away(page: Page, live_server, shoot):
    reviewer = UserFactory.create(username="ana", roles=["reviewer"])
    article = article_import(
        content=demo_article_text(), source_format="markdown", imported_by=reviewer
    )
    claim_create(article=article, created_by=reviewer, quote="Logistics is the lifeblood of war.")
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server.url, reviewer.username)
    page.goto(f"{live_server.url}/articles/{article.pk}/")
    jump = page.get_by_role("link", name=re.compile(r"Claims \(1\) and sources \(\d+\)"))
    expect(jump).to_be_in_viewport()
    shoot(page, "reader-form-phone", full_page=False)
    jump.click()
    expect(page.locator("#panel-claims")).to_be_in_viewport()
    expect(page.locator(".claim-item")).to_contain_text("Logistics is the lifeblood of war.")
    shoot(page, "reader-form-phone-panel", full_page=False)
