"""Mentioning someone from the comment box: the box suggests reviewers as one types "@",
and the one mentioned sees their unread count go up."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from notifications.models import Kind, Notification
from tests.browser.conftest import sign_in
from tests.factories import ClaimFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_mention_picked_from_the_suggestions_tells_the_reviewer(
    page: Page, live_server, shoot: Callable[..., None]
):
    base_url = live_server.url
    UserFactory.create(username="ana", roles=["reviewer"])
    UserFactory.create(username="ben", display_name="Ben Okafor", roles=["reviewer"])
    UserFactory.create(username="bert")  # no role: never suggested
    claim = ClaimFactory.create()
    sign_in(page, base_url, "ana")
    page.goto(f"{base_url}/claims/{claim.pk}/")

    box = page.get_by_label("Your message")
    box.click()
    box.press_sequentially("@be")
    options = page.get_by_role("option")
    expect(options).to_have_count(1)
    expect(options.first).to_contain_text("@ben Ben Okafor")
    expect(options.first).to_have_attribute("aria-selected", "true")
    shoot(page, "mentions-01-suggested", full_page=False)
    box.press("Enter")
    expect(box).to_have_value("@ben ")
    box.press_sequentially("what about the 2012 date?")
    page.get_by_role("button", name="Post").click()
    expect(page.get_by_text("Comment posted.")).to_be_visible()

    (told,) = Notification.objects.filter(kind=Kind.MENTIONED)
    assert told.recipient.username == "ben"
    page.context.clear_cookies()
    sign_in(page, base_url, "ben")
    expect(page.locator("#inbox-badge")).to_have_attribute("aria-label", "Notifications: 1 unread")
    page.locator("#inbox-badge").click()
    expect(page.get_by_text("ana mentioned you on")).to_be_visible()
    shoot(page, "mentions-02-inbox", full_page=False)
