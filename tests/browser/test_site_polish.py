"""What visitors and reviewers see at a glance: the public page's header, the plus on the
"Mark as claim" button drawn with no font needed, and "Import it again anyway" after the
duplicate warning importing the file that was sent."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from claims.models import Article
from claims.services.articles import article_import
from tests.browser.conftest import select_text, sign_in
from tests.factories import ARTICLE_TEXT, UserFactory
from tests.site import build_site

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_public_page_has_a_header_with_the_site_name(
    page: Page, live_server, shoot: Callable[..., None], settings
):
    settings.CLAIMREVIEW_ORGANIZATION_NAME = "Riverside Checks"
    settings.CLAIMREVIEW_ORGANIZATION_URL = "https://checks.example.org"
    site = build_site()
    page.goto(f"{live_server.url}/fact-checks/{site.published.pk}/")
    header = page.get_by_role("banner")
    shoot(page, "public-page-header", full_page=False)
    expect(header.get_by_role("link", name="Riverside Checks")).to_be_visible()
    expect(header).to_contain_text("Fact-checks")
    assert header.get_by_role("link", name="Riverside Checks").get_attribute("href") == (
        "https://checks.example.org"
    )
    # Reviewers' navigation is not for visitors.
    expect(header.get_by_role("link", name="Dashboard")).to_have_count(0)


def test_import_it_again_anyway_imports_the_uploaded_file_without_choosing_it_again(
    page: Page, live_server, shoot: Callable[..., None], tmp_path: Path
):
    UserFactory.create(username="ana", roles=["reviewer"])
    article = tmp_path / "river-trees.md"
    article.write_bytes(b"# River trees\r\n\r\nThe city planted [trees](https://example.org/).\r\n")
    sign_in(page, live_server.url, "ana")
    for _ in range(2):
        page.goto(f"{live_server.url}/articles/import/?via=file")
        page.get_by_label("File").set_input_files(str(article))
        page.get_by_role("button", name="Import", exact=True).click()
        page.wait_for_load_state()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("already imported")
    expect(page.locator(".kept-file")).to_contain_text("river-trees.md")
    shoot(page, "import-duplicate-keeps-the-file")

    page.get_by_role("button", name="Import it again anyway").click()
    expect(page.get_by_role("heading", name="River trees")).to_be_visible()
    first, second = Article.objects.order_by("pk")
    assert page.url == f"{live_server.url}/articles/{second.pk}/"
    assert (second.source_text, second.content_sha256) == (first.source_text, first.content_sha256)


def test_the_mark_as_claim_button_draws_its_plus_without_a_special_font(
    page: Page, live_server, shoot: Callable[..., None]
):
    reviewer = UserFactory.create(username="ana", roles=["reviewer"])
    article = article_import(content=ARTICLE_TEXT, source_format="text", imported_by=reviewer)
    sign_in(page, live_server.url, "ana")
    page.goto(f"{live_server.url}/articles/{article.pk}/")
    select_text(page, "The city planted 4,000 trees in 2023")
    button = page.get_by_role("button", name="Mark as claim")
    expect(button).to_be_visible()
    assert button.inner_text().strip() == "Mark as claim"  # no glyph a font must supply
    box = button.locator("svg").bounding_box()
    assert box is not None
    assert box["width"] >= 10
    shoot(page, "mark-as-claim-button", full_page=False)
