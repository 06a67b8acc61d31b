"""A reader finds a fact-check in the public index, reports an error on it (under the
public pages' Content-Security-Policy); an editor sees the report and resolves it with a
correction; the reader sees the correction on the page and on the corrections page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from claims.models import ArticleStatus, Claim, SourceStatus, Stance, Verdict
from editorial.models import CorrectionRequest, CorrectionRequestStatus
from tests.browser.conftest import sign_in
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    EvidenceFactory,
    SourceFactory,
    UserFactory,
)
from tests.workflow import publish, rate

pytestmark = pytest.mark.django_db(transaction=True)

REPORT = "The parks department's report says 3,950 trees were planted, not 4,000."


def test_a_reader_reports_an_error_and_an_editor_corrects_the_fact_check(
    browser: Browser, live_server, shoot: Callable[..., None]
) -> None:
    editor = UserFactory.create(username="eda", roles=["editor"])
    article = ArticleFactory.create(
        title="Trees in the city",
        publisher="The Ledger",
        url="https://ledger.example.org/trees",
        status=ArticleStatus.PUBLISHED,
    )
    claim = ClaimFactory.create(article=article, start=0, end=39)
    source = SourceFactory.create(
        article=article, url="https://parks.example.org/report", status=SourceStatus.OK
    )
    claim.sources.add(source)
    EvidenceFactory.create(
        claim=claim,
        url="https://stats.example.org/trees",
        stance=Stance.REFUTES,
        excerpt="3,950 trees were planted in 2023.",
    )
    rate(claim, Verdict.TRUE, Verdict.TRUE)
    publish(claim, editor, Verdict.TRUE, rationale="The parks department confirms it.")
    # Imported here: that module imports the review flow, which walks through this one.
    from tests.browser.test_content_security_policy import ViolationLog, WatchedBrowser

    log = ViolationLog()
    reader_reports_and_editor_corrects(
        WatchedBrowser(browser, log),  # type: ignore[arg-type]
        live_server.url,
        claim,
        editor,
        shoot,
        check_page=lambda reader: expect(
            reader.locator('a[href="https://stats.example.org/trees"]')
        ).to_have_attribute("rel", "nofollow noopener"),
    )
    log.assert_none()  # the public pages and the report form keep to their policy


def reader_reports_and_editor_corrects(
    browser: Browser,
    base: str,
    claim: Claim,
    editor: Any,
    shoot: Callable[..., None],
    *,
    check_page: Callable[[Page], None] = lambda reader: None,
    prefix: str = "public",
) -> None:
    """From the public index: a reader reports an error on ``claim`` (published true),
    ``editor`` resolves the report with a correction to mostly true, the reader sees it."""

    # The reader: the index, the fact-check, the report form.
    with browser.new_context(viewport={"width": 1280, "height": 900}) as reader_context:
        reader = reader_context.new_page()
        reader.goto(f"{base}/fact-checks/")
        expect(reader.get_by_role("heading", name="Fact-checks", level=1)).to_be_visible()
        shoot(reader, f"{prefix}-01-index")
        reader.get_by_role("link", name=claim.summary[:30]).click()
        expect(reader.get_by_role("heading", name="Verdict: True")).to_be_visible()
        check_page(reader)
        shoot(reader, f"{prefix}-02-fact-check")
        reader.get_by_label("What is wrong?").fill(REPORT)
        reader.get_by_label("Your name").fill("Rita Reader")
        expect(reader.get_by_label("Leave this empty")).not_to_be_in_viewport()
        reader.get_by_role("button", name="Send the report").click()
        expect(
            reader.get_by_text("Thank you: the editors will look at your report.")
        ).to_be_visible()
        shoot(reader, f"{prefix}-03-reported")
        filed = CorrectionRequest.objects.get(claim=claim)
        assert (filed.message, filed.name) == (REPORT, "Rita Reader")

        # The editor: the dashboard's reports, the claim page, the correction.
        with browser.new_context(viewport={"width": 1366, "height": 900}) as editor_context:
            desk = editor_context.new_page()
            sign_in(desk, base, editor.username)
            reports = desk.locator("#reports")
            expect(reports).to_contain_text("1 open report")
            shoot(desk, f"{prefix}-04-dashboard-reports")
            reports.get_by_role("link").first.click()
            expect(desk.locator("#reports")).to_contain_text(REPORT)
            correct = desk.locator("#correct")
            correct.get_by_label("Mostly true").check()
            correct.get_by_label("Rationale for the public").fill(
                "The parks department counted 3,950 trees: close to the claim."
            )
            correct.get_by_label("Correction note for the public").fill(
                "We first said the figure was exact; the report gives 3,950."
            )
            correct.get_by_label("Note for the team").fill("The report's own figure.")
            correct.get_by_label("Resolves a reader's report").select_option(str(filed.pk))
            shoot(desk, f"{prefix}-05-correction-form")
            correct.get_by_role("button", name="Publish the correction").click()
            expect(desk.get_by_text("Corrected; the public page shows it.")).to_be_visible()
            expect(desk.locator("#reports")).to_contain_text("Resolved")
            shoot(desk, f"{prefix}-06-corrected")
        filed.refresh_from_db()
        assert filed.status == CorrectionRequestStatus.RESOLVED

        # The reader again: the correction on the page and on the corrections page.
        reader.reload()
        expect(reader.get_by_role("heading", name="Verdict: Mostly true")).to_be_visible()
        log_section = reader.locator("#corrections")
        expect(log_section).to_contain_text("the report gives 3,950")
        expect(log_section).to_contain_text("Verdict changed from True to Mostly true.")
        log_section.scroll_into_view_if_needed()
        shoot(reader, f"{prefix}-07-fact-check-corrected")
        reader.get_by_role("link", name="Corrections", exact=True).click()
        expect(reader.get_by_role("heading", name="Corrections", level=1)).to_be_visible()
        expect(reader.locator(".corrections-log")).to_contain_text("the report gives 3,950")
        shoot(reader, f"{prefix}-08-corrections")
        reader.get_by_role("link", name="How we check").click()
        expect(reader.get_by_role("heading", name="The rating scale")).to_be_visible()
        shoot(reader, f"{prefix}-09-methodology")
