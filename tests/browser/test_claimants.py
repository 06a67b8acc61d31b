"""Naming who said it in Chromium: a quote marked without its speaker is warned about; on the
claim page a reviewer picks an existing claimant offered as they type, writes a summary, and
sees the summary's warnings; the claimant's page lists the claim."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from claims.models import Claim, ClaimantKind
from claims.services.articles import article_import
from claims.services.claimants import claimant_create
from tests.browser.conftest import select_text, sign_in
from tests.conftest import SAMPLE_ARTICLE
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

QUOTE = "cost twice what the council was promised"


def test_a_quote_gets_its_speaker_and_a_summary(
    page: Page, live_server, shoot: Callable[..., None]
) -> None:
    reviewer = UserFactory.create(username="ana", display_name="Ana Reviewer", roles=["reviewer"])
    article = article_import(
        content=SAMPLE_ARTICLE.read_text(encoding="utf-8"),
        source_format="markdown",
        imported_by=reviewer,
    )
    claimant_create(
        name="Dana Ruiz",
        kind=ClaimantKind.PERSON,
        description="Riverside city councillor",
        user=reviewer,
    )
    base = live_server.url
    sign_in(page, base, reviewer.username)

    # Marked as a quote without saying who is quoted: marked, with a warning.
    page.goto(f"{base}/articles/{article.pk}/")
    select_text(page, QUOTE)
    page.get_by_role("button", name="Mark as claim").click()
    dialog = page.get_by_role("dialog", name="Mark a claim")
    dialog.get_by_label("Quote (attributed passage)").check()
    dialog.get_by_role("button", name="Mark claim").click()
    page.wait_for_url(re.compile(r"\?marked=\d+#hl-\d+$"))
    expect(page.get_by_text("name the person quoted")).to_be_visible()
    claim = Claim.objects.get()
    assert claim.claimant is None

    # On the claim page: the name is offered as it is typed, and the summary is checked.
    page.goto(f"{base}/claims/{claim.pk}/")
    description = page.locator("#description")
    expect(description.locator(".form-warnings")).to_contain_text("name the person quoted")
    description.get_by_text("Edit the description").click()
    who = description.get_by_role("combobox", name="Who said it")
    who.fill("dana")
    expect(page.locator('#describe-claimant-options option[value="Dana Ruiz"]')).to_have_count(1)
    who.fill("Dana Ruiz")
    description.get_by_role("textbox", name="Summary").fill(
        "The councillor's false claim that the programme cost twice its budget"
    )
    shoot(page, "claimant-describe-form", full_page=False)
    description.get_by_role("button", name="Save description").click()
    expect(page.get_by_text("The claim's description is saved.")).to_be_visible()
    expect(description.get_by_role("link", name="Dana Ruiz")).to_be_visible()
    expect(description.locator(".form-warnings")).to_contain_text("the word of a verdict")
    expect(description.locator(".form-warnings")).not_to_contain_text("name the person quoted")
    shoot(page, "claimant-described-claim")
    claim.refresh_from_db()
    assert claim.claimant is not None
    assert claim.claimant.name == "Dana Ruiz"

    # The claimant's page lists the claim in their track record.
    description.get_by_role("link", name="Dana Ruiz").click()
    expect(page.get_by_role("heading", name="Dana Ruiz")).to_be_visible()
    expect(page.locator(".track-record")).to_contain_text("cost twice its budget")
    shoot(page, "claimant-page")
