"""The claim page in Chromium: "Checked before" lists the same claim in other articles."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from claims.models import ArticleStatus, Claim, Verdict
from memory import index, services
from tests.browser.conftest import sign_in
from tests.factories import ArticleFactory, ClaimFactory, UserFactory
from tests.workflow import publish

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_reviewer_sees_where_the_claim_was_checked_before(
    page: Page, live_server, shoot: Callable[..., None]
) -> None:
    index.reset()
    reviewer = UserFactory.create(username="ana", roles=["reviewer"])
    editor = UserFactory.create(username="eve", roles=["editor"])
    original = ClaimFactory.create(summary="The unemployment rate fell to 4 percent last year.")
    earlier = ClaimFactory.create(
        summary="Last year the jobless rate dropped to four percent.",
        article=ArticleFactory.create(
            title="Jobs report fact-checked", status=ArticleStatus.PUBLISHED
        ),
    )
    publish(earlier, editor, Verdict.MOSTLY_TRUE)
    ClaimFactory.create(
        summary="The museum opens a new exhibition on Roman coins in May.",
        article=ArticleFactory.create(title="Museum news"),
    )
    services.claim_vectors_update(Claim.objects.all())
    sign_in(page, live_server.url, reviewer.username)

    page.goto(f"{live_server.url}/claims/{original.pk}/")

    section = page.locator("#checked-before")
    expect(section.get_by_role("heading", name="Checked before")).to_be_visible()
    expect(section.get_by_role("link", name="Jobs report fact-checked")).to_be_visible()
    expect(section).to_contain_text("% similar")
    expect(section).to_contain_text("Mostly true")
    expect(section).not_to_contain_text("Museum news")
    section.scroll_into_view_if_needed()
    shoot(page, "claim-checked-before")
    section.screenshot(path="test-artifacts/screenshots/claim-checked-before-section.png")
