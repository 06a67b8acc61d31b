"""Independent ratings in Chromium: a second reviewer cannot see the first one's verdict,
nor the claim's colour in the reader, until they have rated the claim themselves."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, Page, expect

from claims.models import Rating
from claims.services.articles import article_import
from claims.services.claims import claim_create
from editorial.services.ratings import rating_submit
from tests.browser.conftest import sign_in
from tests.conftest import SAMPLE_ARTICLE
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

QUOTE = "If the survival rate holds, Riverside will reach 30 percent canopy by 2035."
FIRST_RATIONALE = "The survey's own figures put the canopy at 22 percent, not 30."


def test_a_second_reviewer_sees_the_first_verdict_only_after_rating(
    browser: Browser, page: Page, live_server, shoot: Callable[..., None]
) -> None:
    first = UserFactory.create(username="ana", display_name="Ana Reviewer", roles=["reviewer"])
    second = UserFactory.create(username="ben", display_name="Ben Reviewer", roles=["reviewer"])
    article = article_import(
        content=SAMPLE_ARTICLE.read_text(encoding="utf-8"),
        source_format="markdown",
        imported_by=first,
    )
    claim = claim_create(article=article, created_by=first, quote=QUOTE)
    rating_submit(
        claim=claim, reviewer=first, verdict="false", rationale=FIRST_RATIONALE, confidence="high"
    )
    base_url = live_server.url

    # The first reviewer sees their own rating and the claim in its colour.
    sign_in(page, base_url, first.username)
    page.goto(f"{base_url}/claims/{claim.pk}/")
    expect(page.get_by_role("heading", name=f"Claim {claim.label}")).to_be_visible()
    expect(page.locator(".rating")).to_contain_text(FIRST_RATIONALE)

    with browser.new_context(viewport={"width": 1366, "height": 900}) as context:
        other = context.new_page()
        sign_in(other, base_url, second.username)

        # In the reader the claim has the colour of "rated", not of its verdict.
        other.goto(f"{base_url}/articles/{article.pk}/")
        mark = other.locator(f'mark[data-claims="{claim.pk}"]')
        expect(mark).to_have_class("hl hl-st-rated")
        expect(other.locator(f"#claim-item-{claim.pk}")).to_contain_text(
            "Rated by others: rate it to see their verdicts"
        )
        mark.scroll_into_view_if_needed()
        shoot(other, "blind-01-reader-before-rating", full_page=False)

        # On the claim page: no verdict, rationale or consensus of the first reviewer.
        other.goto(f"{base_url}/claims/{claim.pk}/")
        ratings = other.locator("#all-ratings")
        expect(ratings).to_contain_text("Rate this claim to see the other ratings (1 so far)")
        expect(other.get_by_text(FIRST_RATIONALE)).to_have_count(0)
        expect(ratings.locator(".badge--v-false")).to_have_count(0)
        expect(other.locator("#history")).not_to_contain_text("rated it False")
        shoot(other, "blind-02-claim-before-rating")

        # Rating it opens the others' ratings and the consensus.
        other.get_by_label("Mostly false").check()
        other.get_by_label("Rationale").fill("The survey says 22 percent.")
        other.get_by_role("button", name="Save rating").click()
        expect(other.get_by_text("Rating saved.")).to_be_visible()
        expect(ratings).not_to_contain_text("Rate this claim to see the other ratings")
        expect(ratings.locator(".rating")).to_have_count(2)
        expect(ratings).to_contain_text(FIRST_RATIONALE)
        expect(ratings.locator(".badge--v-false").first).to_be_visible()
        expect(other.locator(".consensus")).to_contain_text("Consensus")
        shoot(other, "blind-03-claim-after-rating")

        other.goto(f"{base_url}/articles/{article.pk}/")
        expect(other.locator(f'mark[data-claims="{claim.pk}"]')).to_have_class(
            "hl hl-v-mostly_false"
        )
        shoot(other, "blind-04-reader-after-rating", full_page=False)

    assert Rating.objects.filter(claim=claim).count() == 2
