"""The whole review in Chromium: a reviewer signs in, imports an article, selects a sentence to
mark it as a claim, supplies a source's URL and watches it being fetched, adds evidence and
rates; a second reviewer rates; an editor publishes; an anonymous visitor reads the public
fact-check page and its ClaimReview JSON-LD."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import connection
from playwright.sync_api import Browser, Page, expect

from claims.models import Claim, Evidence, Rating, Source, SourceStatus
from claims.tasks import fetch_source
from factcheck.celery import app as celery_app
from tests.browser.conftest import select_text, sign_in
from tests.browser.test_public_corrections import reader_reports_and_editor_corrects
from tests.factories import UserFactory
from tests.webserver import PageServer, article_page
from tests.worker import broker_is_shared, running_worker

pytestmark = pytest.mark.django_db(transaction=True)

QUOTE = "Relatively safe enclaves should emerge from this effort."
CLAIMANT = "Richard Haass"
SUMMARY = "A two-track US policy would create safe enclaves in Syria"
ARTICLE = f"""# Enclaves in Syria

By Test Writer

The op-ed [Testing Putin in Syria](#) argued for a two-track policy.

It says: "{QUOTE}" Critics called the plan a partition by another name.

Nobody has said what the enclaves would cost.
"""


def review_flow(
    browser: Browser,
    page: Page,
    base_url: str,
    pages: PageServer,
    shoot: Callable[..., None],
    fetch: Callable[[Source], None],
) -> None:
    reviewer = UserFactory.create(username="ana", display_name="Ana Reviewer", roles=["reviewer"])
    second = UserFactory.create(username="ben", display_name="Ben Reviewer", roles=["reviewer"])
    editor = UserFactory.create(username="eda", display_name="Eda Editor", roles=["editor"])
    source_url = pages.add(
        "/testing-putin",
        article_page(
            "Testing Putin in Syria", "The United States should pursue a two-track policy.", QUOTE
        ),
    )
    evidence_url = pages.add(
        "/brookings", article_page("Deconstructing Syria", "Enclaves are proposed.")
    )

    page.goto(f"{base_url}/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    shoot(page, "00-sign-in")
    sign_in(page, base_url, reviewer.username)
    shoot(page, "01-dashboard-empty")

    # Import the article by pasting it.
    page.get_by_role("link", name="Import", exact=True).click()
    page.get_by_label("Article").fill(ARTICLE)
    shoot(page, "02-import")
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enclaves in Syria")
    expect(page.get_by_text("Imported “Enclaves in Syria”.")).to_be_visible()

    # Select the sentence with the mouse and mark it as a quote relying on the op-ed.
    select_text(page, QUOTE)
    page.get_by_role("button", name="Mark as claim").click()
    dialog = page.get_by_role("dialog", name="Mark a claim")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("textbox", name="Passage")).to_have_value(QUOTE)
    dialog.get_by_label("Quote (attributed passage)").check()
    dialog.get_by_label("[1] Testing Putin in Syria").check()
    # The person quoted is new: typed by name, as a person, with a neutral summary.
    dialog.get_by_role("combobox", name="Who said it").fill(CLAIMANT)
    dialog.get_by_label("Person", exact=True).check()
    dialog.get_by_role("textbox", name="Summary").fill(SUMMARY)
    shoot(page, "03-reader-mark-claim", full_page=False)
    dialog.get_by_role("button", name="Mark claim").click()
    page.wait_for_url(re.compile(r"\?marked=\d+#hl-\d+$"))
    claim = Claim.objects.select_related("claimant").get()
    assert claim.claimant is not None
    assert (claim.quote, claim.kind, claim.created_by) == (QUOTE, "quote", reviewer)
    assert (claim.claimant.name, claim.claimant.kind, claim.summary) == (
        CLAIMANT,
        "person",
        SUMMARY,
    )
    source = Source.objects.get()
    assert list(claim.sources.all()) == [source]
    expect(page.locator(f'mark[data-claims="{claim.pk}"]')).to_have_text(QUOTE)

    # Supply the op-ed's URL in the sources panel; the status changes without a reload.
    page.get_by_role("tab", name=re.compile("Sources")).click()
    row = page.locator(f"#source-{source.pk}")
    row.get_by_label("Supply the URL to fetch").fill(source_url)
    row.get_by_role("button", name="Fetch").click()
    state = page.locator(f"#source-{source.pk}-state .badge")
    expect(state).to_have_text(re.compile("Pending|Fetching|OK"))
    page.evaluate("window.__notReloaded = true")
    fetch(source)
    expect(state).to_have_text("OK", timeout=30_000)
    expect(row).to_contain_text("Testing Putin in Syria")
    assert page.evaluate("window.__notReloaded") is True
    shoot(page, "04-reader-sources-fetched")

    # The claim page: the quote checked against the fetched source, evidence, a rating.
    page.get_by_role("tab", name=re.compile("Claims")).click()
    page.locator(".claim-item__link").first.click()
    expect(page.get_by_role("heading", name=f"Claim {claim.label}")).to_be_visible()
    expect(page.locator(".quote-check__result")).to_contain_text("Exact")
    page.get_by_label("Supports").check()
    page.get_by_role("textbox", name="URL").fill(evidence_url)
    page.get_by_label("Quoted excerpt").fill("Enclaves are proposed.")
    page.get_by_role("button", name="Add evidence").click()
    expect(page.get_by_text("Evidence added.")).to_be_visible()
    assert Evidence.objects.get().author == reviewer

    page.get_by_label("Mostly true").check()
    page.get_by_label("High").check()
    page.get_by_label("Rationale").fill("The op-ed says it, word for word.")
    page.get_by_role("button", name="Save rating").click()
    expect(page.get_by_text("Rating saved.")).to_be_visible()
    page.get_by_label("True", exact=True).check()
    page.get_by_role("button", name="Update my rating").click()
    expect(page.get_by_text("Your rating was updated.")).to_be_visible()
    rating = Rating.objects.get()
    assert (rating.verdict, rating.confidence) == ("true", "high")
    expect(page.locator("#history")).to_contain_text(
        "changed their rating from Mostly true to True"
    )
    shoot(page, "05-claim")

    page.get_by_role("link", name="Dashboard").click()
    expect(page.locator(".article-card")).to_contain_text("1 / 1")
    shoot(page, "06-dashboard")
    page.get_by_role("link", name="Claims", exact=True).click()
    page.get_by_label("Words").fill("enclaves")
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".claim-result")).to_have_count(1)
    shoot(page, "07-claims-search")

    # A second reviewer agrees: the claim reaches a consensus.
    with browser.new_context(viewport={"width": 1366, "height": 900}) as context:
        other = context.new_page()
        sign_in(other, base_url, second.username)
        other.goto(f"{base_url}/claims/{claim.pk}/")
        other.get_by_label("True", exact=True).check()
        other.get_by_label("Rationale").fill("Same words in the op-ed.")
        other.get_by_role("button", name="Save rating").click()
        expect(other.locator(".consensus")).to_contain_text("Consensus")
        expect(other.locator(".consensus")).to_contain_text("100% agree")

    # The first rating started its review; an editor marks it ready, publishes the
    # verdict, then the article.
    with browser.new_context(viewport={"width": 1366, "height": 900}) as context:
        desk = context.new_page()
        sign_in(desk, base_url, editor.username)
        desk.goto(f"{base_url}/claims/{claim.pk}/")
        expect(desk.locator(".workflow-status")).to_contain_text("In review")
        desk.get_by_role("button", name="Mark ready").click()
        expect(desk.get_by_text("The claim is now ready.")).to_be_visible()
        publish = desk.locator("#publish")
        expect(publish.get_by_label("True", exact=True)).to_be_checked()  # the consensus
        publish.get_by_label("Rationale for the public").fill(
            "The op-ed by the CFR's president says exactly this."
        )
        shoot(desk, "08-claim-publish", full_page=False)
        publish.get_by_role("button", name="Publish").click()
        expect(desk.get_by_text("Published.", exact=True)).to_be_visible()
        desk.get_by_role("link", name="Enclaves in Syria").click()
        desk.get_by_label("Article status").select_option("published")
        desk.get_by_role("button", name="Save").click()
        expect(desk.get_by_text("The article is now published.")).to_be_visible()
        desk.goto(f"{base_url}/claims/{claim.pk}/")
        expect(desk.get_by_role("link", name="Public fact-check page")).to_be_visible()
        shoot(desk, "09-claim-published")

    # Anyone reads the public page, without signing in; it carries its ClaimReview.
    with browser.new_context(viewport={"width": 1366, "height": 900}) as context:
        visitor = context.new_page()
        visitor.goto(f"{base_url}/fact-checks/{claim.pk}/")
        expect(visitor.get_by_text(QUOTE)).to_be_visible()
        expect(visitor.get_by_role("link", name="Sign out")).to_have_count(0)
        review = json.loads(
            visitor.locator('script[type="application/ld+json"]').text_content() or ""
        )
        assert review["@type"] == "ClaimReview"
        assert review["claimReviewed"] == SUMMARY
        assert review["itemReviewed"]["author"] == {"@type": "Person", "name": CLAIMANT}
        assert review["inLanguage"] == "en"
        assert review["reviewRating"]["ratingValue"] == 5
        shoot(visitor, "10-public-fact-check")

        # The claimant's public track record, linked from the fact-check.
        visitor.get_by_role("link", name=CLAIMANT).click()
        expect(visitor.get_by_role("heading", name=CLAIMANT)).to_be_visible()
        expect(visitor.locator(".track-record")).to_contain_text("True")
        shoot(visitor, "10b-public-claimant")

    # The visitor reports an error from the index; the editor resolves it with a correction.
    reader_reports_and_editor_corrects(
        browser, base_url, claim, editor, shoot, prefix="10c-correction"
    )

    # The reviewer opens the article's report from the reader: the verdict chart and the map.
    page.goto(f"{base_url}/articles/{claim.article_id}/")
    page.get_by_role("link", name="Report", exact=True).click()
    expect(page.get_by_role("img", name=re.compile("Claims by verdict"))).to_be_visible()
    expect(page.locator("#citation-map")).to_contain_text("Claims relying on a single source")
    shoot(page, "11-article-report")


def test_reviewers_review_an_article_and_an_editor_publishes_it(
    browser: Browser, page: Page, live_server, pages: PageServer, shoot
):
    """The fetch runs in this process (a worker's job, called directly): any database."""

    def fetch_here(source: Source) -> None:
        source.refresh_from_db()
        assert source.status == SourceStatus.PENDING
        fetch_source.apply(args=[source.pk])

    review_flow(browser, page, live_server.url, pages, shoot, fetch_here)


@pytest.mark.worker
def test_with_a_real_worker_the_panel_shows_the_fetch_as_it_happens(
    browser: Browser, page: Page, live_server, pages: PageServer, shoot, tmp_path: Path
):
    if connection.vendor != "postgresql":
        pytest.skip("a worker process shares the live server's database only on PostgreSQL")
    if not broker_is_shared():
        pytest.skip("needs CELERY_BROKER_URL pointing at Redis or RabbitMQ")
    celery_app.control.purge()
    with running_worker(tmp_path / "worker.log"):
        review_flow(browser, page, live_server.url, pages, shoot, lambda source: None)
