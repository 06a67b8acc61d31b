"""An editor works the queues in Chromium: from the dashboard's "Ready to publish" to a claim,
publishing it (confirming that it has no evidence, and publishing its draft article too), then
"Disputed", deciding a disputed claim is ready, and back to an empty dashboard queue."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from claims.models import ArticleStatus, ClaimStatus, Verdict
from editorial.models import ClaimTransition, Publication
from tests.browser.conftest import sign_in
from tests.factories import ArticleFactory, ClaimFactory, UserFactory
from tests.workflow import make_ready, rate

pytestmark = pytest.mark.django_db(transaction=True)


def queue_count(page: Page, name: str) -> str:
    return page.locator(f"#queue-{name} .count").inner_text()


def test_an_editor_works_the_ready_and_disputed_queues(
    page: Page, live_server, shoot: Callable[..., None]
) -> None:
    editor = UserFactory.create(username="eda", display_name="Eda Editor", roles=["editor"])
    article = ArticleFactory.create(title="Trees for Riverside", status=ArticleStatus.DRAFT)
    ready = ClaimFactory.create(article=article, start=0, end=31)
    rate(ready, Verdict.MOSTLY_TRUE, Verdict.MOSTLY_TRUE)
    make_ready(ready, editor)
    disputed = ClaimFactory.create(article=article, start=74, end=128)
    rate(disputed, Verdict.TRUE, Verdict.FALSE)
    base = live_server.url

    sign_in(page, base, editor.username)
    expect(page.get_by_role("heading", name="Editors\u2019 queues")).to_be_visible()
    assert queue_count(page, "ready") == "1"
    assert queue_count(page, "disputed") == "1"
    shoot(page, "queues-01-dashboard")

    page.locator("#queue-ready").click()
    page.wait_for_url(f"{base}/claims/?queue=ready")
    expect(page.locator(".page-head").get_by_text("Queue Ready to publish")).to_be_visible()
    shoot(page, "queues-02-ready-queue")
    page.get_by_role("link", name=ready.quote[:20]).first.click()
    page.wait_for_url(f"{base}/claims/{ready.pk}/")

    publish = page.locator("#publish")
    expect(publish.get_by_text("The article is still a draft")).to_be_visible()
    publish.get_by_label("Mostly true").check()
    publish.get_by_label("Rationale for the public").fill("The parks report lists 3,950 trees.")
    publish.get_by_role("button", name="Publish").click()
    expect(
        page.locator("#publish-confirm_no_evidence_errors").get_by_text(
            "confirm that you publish it without evidence"
        )
    ).to_be_visible()
    assert not Publication.objects.exists()
    page.locator("#publish").scroll_into_view_if_needed()
    shoot(page, "queues-03-publish-asks-to-confirm", full_page=False)

    publish = page.locator("#publish")
    publish.get_by_label("Publish without evidence").check()
    publish.get_by_label("Also publish the article").check()
    publish.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Published.", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Public fact-check page")).to_be_visible()
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED
    shoot(page, "queues-04-published")

    page.goto(f"{base}/")
    assert queue_count(page, "ready") == "0"
    page.locator("#queue-disputed").click()
    page.wait_for_url(f"{base}/claims/?queue=disputed")
    page.get_by_role("link", name=disputed.quote[:20]).first.click()
    page.wait_for_url(f"{base}/claims/{disputed.pk}/")
    workflow = page.locator("#workflow")
    page.locator("#move-rejected summary").click()
    expect(workflow.get_by_label("Why? (required)")).to_be_visible()
    workflow.scroll_into_view_if_needed()
    shoot(page, "queues-05-disputed-claim", full_page=False)
    workflow.get_by_role("button", name="Mark ready").click()
    expect(page.get_by_text("The claim is now ready.")).to_be_visible()
    disputed.refresh_from_db()
    assert disputed.status == ClaimStatus.READY
    assert ClaimTransition.objects.filter(claim=disputed, user=editor, to_status="ready").exists()

    page.goto(f"{base}/")
    assert queue_count(page, "ready") == "1"
    assert queue_count(page, "disputed") == "0"
    activity = page.locator(".activity")
    expect(activity.get_by_text("moved to ready").first).to_be_visible()
    expect(activity.get_by_text("published").first).to_be_visible()
    shoot(page, "queues-06-dashboard-after")
