"""Keyboard only, visible focus, and a phone-width screen."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, Page, expect

from claims.models import Claim
from claims.services.articles import article_import
from claims.services.claims import claim_create
from claims.services.evidence import evidence_create
from editorial.services.ratings import rating_submit
from tests.browser.conftest import sign_in
from tests.conftest import SAMPLE_ARTICLE
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

QUOTE = "If the survival rate holds, Riverside will reach 30 percent canopy by 2035."


@pytest.fixture
def reviewed_article(db):
    reviewer = UserFactory.create(username="ana", display_name="Ana Reviewer", roles=["reviewer"])
    article = article_import(
        content=SAMPLE_ARTICLE.read_text(encoding="utf-8"),
        source_format="markdown",
        imported_by=reviewer,
    )
    claim = claim_create(article=article, created_by=reviewer, quote=QUOTE, kind="quote")
    claim_create(article=article, created_by=reviewer, quote="If the survival rate holds")
    evidence_create(claim=claim, author=reviewer, stance="supports", excerpt="It says so.")
    rating_submit(claim=claim, reviewer=reviewer, verdict="mostly_true", rationale="Word for word.")
    return article, claim, reviewer


def tab_to(page: Page, name: str, limit: int = 80) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if (page.evaluate("document.activeElement.textContent") or "").strip() == name:
            return
    raise AssertionError(f"{name!r} is not reachable with the Tab key")


def test_a_claim_is_marked_with_the_keyboard_alone(page: Page, live_server, reviewed_article):
    article, _, reviewer = reviewed_article
    sign_in(page, live_server.url, reviewer.username)
    page.goto(f"{live_server.url}/articles/{article.pk}/")
    tab_to(page, "Mark a claim…")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", ""), "the focused control shows no focus ring"
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Mark a claim")
    expect(dialog).to_be_visible()
    assert page.evaluate("document.activeElement.name") == "quote"
    page.keyboard.type("Researchers behind the survey warn that newly planted trees")
    tab_to(page, "Mark claim", limit=30)
    page.keyboard.press("Enter")
    page.wait_for_url("**/?marked=*")
    assert Claim.objects.filter(quote__startswith="Researchers behind").exists()


def test_the_claim_markers_in_the_text_are_links_the_keyboard_reaches(
    page: Page, live_server, reviewed_article
):
    article, claim, reviewer = reviewed_article
    sign_in(page, live_server.url, reviewer.username)
    page.goto(f"{live_server.url}/articles/{article.pk}/")
    marker = page.locator(f'#article-text a[data-claim="{claim.pk}"]')
    expect(marker).to_have_attribute("aria-label", f"Claim {claim.label}: Rated, no consensus yet")
    marker.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=f"Claim {claim.label}")).to_be_visible()


def test_every_page_fits_a_phone_screen(
    browser: Browser, live_server, reviewed_article, shoot: Callable[..., None]
):
    article, claim, reviewer = reviewed_article
    with browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True) as context:
        page = context.new_page()
        sign_in(page, live_server.url, reviewer.username)
        for name, path in {
            "dashboard": "/",
            "reader": f"/articles/{article.pk}/",
            "claim": f"/claims/{claim.pk}/",
            "claims": "/claims/",
            "import": "/articles/import/",
        }.items():
            page.goto(f"{live_server.url}{path}")
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"the {name} page scrolls sideways by {overflow}px on a phone"
            shoot(page, f"phone-{name}", full_page=False)
