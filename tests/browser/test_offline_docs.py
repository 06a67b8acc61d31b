"""The API docs work with no network: Swagger UI and Redoc open and list the operations with
every request to another site refused. They are served under a host name that is not
localhost (``docs.factcheck.test``, answered by the live server), as a deployed site is:
what a bundle does differently for localhost is not what is tested."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, Route, expect

pytestmark = pytest.mark.django_db(transaction=True)

HOST = "docs.factcheck.test"


@pytest.fixture
def offline_page(browser: Browser, live_server) -> Iterator[tuple[Page, list[str]]]:
    """A page where HOST is the live server and every other site is unreachable."""
    refused: list[str] = []
    server = urlsplit(live_server.url)

    def route(route: Route) -> None:
        url = urlsplit(route.request.url)
        if url.scheme in ("data", "blob"):
            route.continue_()
        elif url.hostname == HOST:
            local = url._replace(netloc=server.netloc).geturl()
            route.fulfill(response=route.fetch(url=local))
        else:
            refused.append(route.request.url)
            route.abort("internetdisconnected")

    with browser.new_context(viewport={"width": 1366, "height": 900}) as context:
        context.route("**/*", route)
        yield context.new_page(), refused


def test_swagger_ui_lists_the_operations_offline(
    offline_page: tuple[Page, list[str]], shoot: Callable[..., None]
):
    page, refused = offline_page
    page.goto(f"http://{HOST}/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text(
        "factcheck API", timeout=30_000
    )
    operations = page.locator(".opblock-summary-path")
    expect(operations.first).to_be_visible()
    assert operations.count() > 20
    expect(page.locator('.opblock-summary-path[data-path="/api/v1/claims/"]').first).to_be_visible()
    page.wait_for_load_state("networkidle")
    shoot(page, "offline-api-docs", full_page=False)
    assert refused == []


def test_redoc_lists_the_operations_offline(
    offline_page: tuple[Page, list[str]], shoot: Callable[..., None]
):
    page, refused = offline_page
    page.goto(f"http://{HOST}/api/redoc/")
    expect(page.get_by_role("heading", name=re.compile("factcheck API"))).to_be_visible(
        timeout=30_000
    )
    expect(page.get_by_role("heading", name="claims_list").first).to_be_attached()
    assert page.locator("[data-section-id^='operation/']").count() > 20
    page.wait_for_load_state("networkidle")
    shoot(page, "offline-api-redoc", full_page=False)
    # Redoc's own logo is the one thing it asks another site for; refused, the page is whole.
    assert all(url.startswith("https://cdn.redoc.ly/") for url in refused), refused
