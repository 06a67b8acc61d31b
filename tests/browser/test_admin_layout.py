"""Every admin list fits a 1440-pixel-wide screen, even with the longest titles, URLs,
quotes and rationales the app accepts: no column pushes the page sideways."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import PASSWORD
from tests.site import build_site, changelists

pytestmark = pytest.mark.django_db(transaction=True)

WIDTH = 1440


def test_every_admin_changelist_fits_1440_pixels(
    browser: Browser, live_server, shoot: Callable[..., None]
):
    site = build_site()
    site.admin.set_password(PASSWORD)
    site.admin.save()
    with browser.new_context(viewport={"width": WIDTH, "height": 900}) as context:
        page = context.new_page()
        page.goto(f"{live_server.url}/admin/login/")
        page.get_by_label("Username").fill(site.admin.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
        too_wide = {}
        for url in changelists():
            response = page.goto(f"{live_server.url}{url}")
            assert response is not None
            assert response.status == 200, url
            name = url.strip("/").replace("/", "-")
            shoot(page, f"admin-1440-{name}")
            widths = page.evaluate(
                """() => {
                  const results = document.querySelector('#changelist .results');
                  return {
                    page: document.documentElement.scrollWidth,
                    table: results ? results.scrollWidth - results.clientWidth : 0,
                  };
                }"""
            )
            if widths["page"] > WIDTH or widths["table"] > 0:
                too_wide[url] = widths
        assert too_wide == {}
