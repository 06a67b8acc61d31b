"""Two reviewers on one claim page, in two browsers: what one does appears on the other's
page without a reload, and what the other was typing stays where it was."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from playwright.sync_api import Browser, Page, expect

from claims.services.articles import article_import
from claims.services.claims import claim_create
from tests.browser.conftest import sign_in
from tests.conftest import SAMPLE_ARTICLE
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

QUOTE = "If the survival rate holds, Riverside will reach 30 percent canopy by 2035."
LATER_QUOTE = (
    'The mayor called it "the greenest year in our history" at a press conference on 12 January.'
)
MENTION = "@ben what about the 2012 date?"
ANA_RATIONALE = "The survey's own figures put the canopy at 22 percent, not 30."
BEN_DRAFT = "Half-written: the 2035 target assumes"


def has_inbox() -> bool:
    try:
        get_template("notifications/_badge.html")
    except TemplateDoesNotExist:
        return False
    return True


@dataclass
class Desk:
    ana: Any
    ben: Any
    article: Any
    claim: Any


@pytest.fixture
def desk(settings, every_rating_shown) -> Desk:
    """Ana and Ben, reviewers, and a claim Ana marked in the sample article; pages poll
    every second."""
    settings.LIVE_POLL_SECONDS = 1
    ana = UserFactory.create(username="ana", roles=["reviewer"])
    ben = UserFactory.create(username="ben", roles=["reviewer"])
    article = article_import(
        content=SAMPLE_ARTICLE.read_text(encoding="utf-8"),
        source_format="markdown",
        imported_by=ana,
    )
    return Desk(ana, ben, article, claim_create(article=article, created_by=ana, quote=QUOTE))


def test_a_comment_and_a_rating_appear_on_the_other_reviewers_page_without_a_reload(
    browser: Browser,
    page: Page,
    live_server,
    desk: Desk,
    shoot: Callable[..., None],
) -> None:
    ana, ben, article, claim = desk.ana, desk.ben, desk.article, desk.claim
    base_url = live_server.url
    claim_url = f"{base_url}/claims/{claim.pk}/"

    sign_in(page, base_url, ana.username)
    page.goto(claim_url)
    with browser.new_context(viewport={"width": 1366, "height": 900}, locale="en-GB") as context:
        other = context.new_page()
        polls: list[str] = []
        other.on(
            "request",
            lambda request: polls.append(request.url) if "/live/" in request.url else None,
        )
        sign_in(other, base_url, ben.username)
        other.goto(claim_url)
        other.evaluate("window.notReloaded = true")
        # Ben starts his rating and leaves it unsent.
        other.get_by_label("Mostly false").check()
        other.get_by_label("Rationale").fill(BEN_DRAFT)
        expect(other.locator("#live-here")).to_have_text("ana is here")
        expect(page.locator("#live-here")).to_have_text("ben is here")

        # Ana asks Ben a question and rates.
        page.get_by_label("Your message").fill(MENTION)
        page.get_by_role("button", name="Post").click()
        expect(page.locator("#discussion")).to_contain_text(MENTION)
        page.get_by_label("False", exact=True).check()
        page.get_by_label("Rationale").fill(ANA_RATIONALE)
        page.get_by_role("button", name="Save rating").click()
        expect(page.get_by_text("Rating saved.")).to_be_visible()

        # Ben sees both within a few seconds, on the page he never left.
        expect(other.locator("#discussion .comment")).to_contain_text(MENTION, timeout=8000)
        ratings = other.locator("#all-ratings")
        expect(ratings).to_contain_text(ANA_RATIONALE, timeout=8000)
        expect(ratings.locator(".badge--v-false").first).to_be_visible()
        expect(other.locator("#history")).to_contain_text("ana")
        if has_inbox():
            expect(other.locator("#inbox-badge")).to_contain_text("1", timeout=8000)
        assert other.evaluate("window.notReloaded") is True
        # His unsent rating is as he left it, focus and all.
        expect(other.get_by_label("Rationale")).to_have_value(BEN_DRAFT)
        expect(other.get_by_label("Mostly false")).to_be_checked()
        shoot(other, "live-01-claim-updated-draft-kept")

        # In the reader, a claim someone marks is highlighted without a reload.
        other.goto(f"{base_url}/articles/{article.pk}/")
        other.evaluate("window.notReloaded = true")
        later = claim_create(article=article, created_by=ana, quote=LATER_QUOTE)
        expect(other.locator(f'mark[data-claims~="{later.pk}"]').first).to_be_visible(timeout=8000)
        expect(other.locator(f"#claim-item-{later.pk}")).to_be_visible()
        assert other.evaluate("window.notReloaded") is True

        # A hidden tab stops asking; shown again, it asks at once.
        other.evaluate(
            """() => {
              Object.defineProperty(document, 'hidden', {configurable: true, get: () => true});
              document.dispatchEvent(new Event('visibilitychange'));
            }"""
        )
        other.wait_for_timeout(1200)  # a poll already on its way may still land
        asked = len(polls)
        other.wait_for_timeout(2500)
        assert len(polls) == asked
        with other.expect_request(lambda request: "/live/" in request.url, timeout=2000):
            other.evaluate(
                """() => {
                  Object.defineProperty(document, 'hidden', {configurable: true, get: () => false});
                  document.dispatchEvent(new Event('visibilitychange'));
                }"""
            )


def test_a_comment_comes_with_the_poll_and_a_rating_reloads_the_whole_page(
    page: Page, live_server, desk: Desk
) -> None:
    from editorial.services.comments import comment_create, comment_update
    from editorial.services.ratings import rating_submit

    ana, ben, claim = desk.ana, desk.ben, desk.claim
    claim_path = f"/claims/{claim.pk}/"
    fetched: list[str] = []  # the claim page fetched again by the page's script
    carried: list[str] = []  # the parts that polls' answers carried
    page.on(
        "request",
        lambda request: (
            fetched.append(request.url.split(claim_path, 1)[1])
            if request.url.split("?")[0].endswith(claim_path) and request.resource_type == "fetch"
            else None
        ),
    )
    page.on(
        "response",
        lambda response: (
            carried.append(response.headers["x-live-parts"])
            if "/live/" in response.url and response.headers.get("x-live-parts", "*") != "*"
            else None
        ),
    )
    sign_in(page, live_server.url, ben.username)
    page.goto(f"{live_server.url}{claim_path}")
    page.get_by_label("Rationale").fill(BEN_DRAFT)
    expect(page.locator("#live-here")).to_be_attached()

    comment = comment_create(claim=claim, author=ana, body="Seen the 2012 figure?")

    expect(page.locator("#discussion .comment")).to_contain_text("Seen the 2012", timeout=8000)
    assert carried == ["claim-discussion"]  # a new comment is not in the history
    comment_update(comment=comment, user=ana, body="Seen the 2013 figure?")
    expect(page.locator("#discussion .comment")).to_contain_text("Seen the 2013", timeout=8000)
    expect(page.locator("#history")).to_contain_text("ana edited a comment")
    assert carried[1:] == ["claim-discussion history"]
    assert fetched == []
    expect(page.get_by_label("Rationale")).to_have_value(BEN_DRAFT)

    rating_submit(claim=claim, reviewer=ana, verdict="false", confidence="high", rationale="No.")

    expect(page.locator("#all-ratings")).to_contain_text("No.", timeout=8000)
    assert fetched == [""]  # the whole page: a rating changes much of it
    expect(page.get_by_label("Rationale")).to_have_value(BEN_DRAFT)
