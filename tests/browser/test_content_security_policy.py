"""Under the site's Content-Security-Policy, Chromium reports no violation anywhere in the
review (the reviewers' pages, the editor's panel, the public page, the admin, the API docs),
and what needs JavaScript still works: HTMX requests, the selection-to-claim dialog, the
admin's widgets."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, cast

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Request, expect

from accounts.models import User
from claims.models import Claim, Source
from claims.tasks import fetch_source
from tests.browser.conftest import PASSWORD, sign_in
from tests.browser.test_reviewer_flow import review_flow
from tests.factories import UserFactory
from tests.webserver import PageServer

pytestmark = pytest.mark.django_db(transaction=True)

# Runs in every document before its own scripts: each violation is kept on the page (for a
# check within one page) and handed to the test (for a whole walk across navigations).
LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const violation = {
    directive: event.effectiveDirective,
    blocked: event.blockedURI,
    sample: event.sample,
    source: event.sourceFile,
    line: event.lineNumber,
    page: document.location.href,
  };
  window.__cspViolations.push(violation);
  if (window.__cspReport) window.__cspReport(violation);
}, true);
"""


@dataclass
class ViolationLog:
    """Violations and HTMX requests seen in every watched browser context."""

    violations: list[dict[str, Any]] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    htmx_requests: list[str] = field(default_factory=list)

    def watch(self, context: BrowserContext) -> BrowserContext:
        context.expose_binding(
            "__cspReport", lambda _source, violation: self.violations.append(violation)
        )
        context.add_init_script(LISTENER)
        context.on("console", self._console)
        context.on("request", self._request)
        return context

    def _console(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            self.console.append(message.text)

    def _request(self, request: Request) -> None:
        if request.headers.get("hx-request") == "true":
            self.htmx_requests.append(f"{request.method} {request.url}")

    def assert_none(self) -> None:
        assert self.violations == [], [
            (v["directive"], v["source"], v["line"], v["page"]) for v in self.violations
        ]
        assert self.console == [], self.console


class WatchedBrowser:
    """Stands in for the Browser in ``review_flow``: every context it opens is watched."""

    def __init__(self, browser: Browser, log: ViolationLog) -> None:
        self._browser = browser
        self._log = log

    def new_context(self, **kwargs: Any) -> BrowserContext:
        return self._log.watch(self._browser.new_context(**kwargs))


@pytest.fixture
def log() -> ViolationLog:
    return ViolationLog()


@pytest.fixture
def watched_page(browser: Browser, log: ViolationLog) -> Iterator[Page]:
    with log.watch(browser.new_context(viewport={"width": 1366, "height": 900})) as context:
        yield context.new_page()


def walk_the_admin(page: Page, base_url: str, superuser: User) -> list[str]:
    """Open every model's list, add form, first change form and history; return the URLs."""
    request = RequestFactory().get("/admin/")
    request.user = superuser
    seen = []
    for model, model_admin in admin.site._registry.items():
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls = [reverse(f"{name}_changelist")]
        if model_admin.has_add_permission(request):
            urls.append(reverse(f"{name}_add"))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            urls.append(reverse(f"{name}_change", args=[first.pk]))
            urls.append(reverse(f"{name}_history", args=[first.pk]))
        for url in urls:
            response = page.goto(f"{base_url}{url}")
            assert response is not None
            assert response.status == 200, url
            seen.append(url)
    return seen


def test_the_review_flow_and_the_admin_break_no_rule_of_the_policy(
    browser: Browser,
    watched_page: Page,
    live_server,
    pages: PageServer,
    shoot: Callable[..., None],
    log: ViolationLog,
):
    def fetch_here(source: Source) -> None:
        fetch_source.apply(args=[source.pk])

    # Sign-in, dashboard, import, the reader (select a sentence, the claim dialog, the
    # sources panel's HTMX fetch), the claim page (evidence, ratings), search, the editor's
    # panel and publishing, the public page with its JSON-LD, the report.
    review_flow(
        cast(Browser, WatchedBrowser(browser, log)),
        watched_page,
        live_server.url,
        pages,
        shoot,
        fetch_here,
    )
    assert any(request.startswith("POST ") for request in log.htmx_requests), log.htmx_requests
    assert any("/sources/" in request for request in log.htmx_requests), log.htmx_requests

    # The dashboard's progress bars, and the error pages.
    page = watched_page
    page.goto(f"{live_server.url}/")
    expect(page.locator(".progress rect").first).to_have_attribute("width", "100")
    not_found = page.goto(f"{live_server.url}/no-such-page/")
    assert not_found is not None
    assert not_found.status == 404
    claim = Claim.objects.get()

    # The admin, signed in as a superuser: every model's pages, and its JavaScript runs.
    root = UserFactory.create(username="root", is_staff=True, is_superuser=True)
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill("root")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    assert len(walk_the_admin(page, live_server.url, root)) > 20
    page.goto(f"{live_server.url}{reverse('admin:claims_claim_changelist')}")
    page.locator("#action-toggle").check()  # actions.js: "select all" ticks every row
    expect(page.locator(f'input[name="_selected_action"][value="{claim.pk}"]')).to_be_checked()
    expect(page.locator(".action-counter")).to_contain_text("1 of 1 selected")
    page.goto(f"{live_server.url}{reverse('admin:editorial_assignment_add')}")
    page.locator("#id_claim + .select2").click()  # the autocomplete widget (select2)
    expect(page.locator(".select2-results__option").first).to_contain_text(claim.quote[:20])
    shoot(page, "csp-admin-autocomplete", full_page=False)

    log.assert_none()


REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"


def test_the_api_docs_load_from_our_own_files_and_break_no_rule(
    watched_page: Page, live_server, log: ViolationLog
):
    page = watched_page
    ours = (live_server.url, f"blob:{live_server.url}", "data:")
    outside: list[str] = []
    page.on(
        "request",
        lambda request: None if request.url.startswith(ours) else outside.append(request.url),
    )
    page.goto(f"{live_server.url}/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text(
        "factcheck API", timeout=30_000
    )
    page.locator('.opblock-summary-path[data-path="/api/v1/auth/token/"]').click()
    expect(page.get_by_role("button", name="Try it out")).to_be_visible()
    assert outside == []
    log.assert_none()

    page.goto(f"{live_server.url}/api/redoc/")
    # Redoc builds the whole page from the schema: slow on a busy machine.
    expect(page.get_by_role("heading", name=re.compile("factcheck API"))).to_be_visible(
        timeout=30_000
    )
    page.get_by_placeholder("Search...").fill("token")  # the search runs in a worker
    results = page.get_by_role("search").get_by_role("menuitem", name="auth_token_create")
    expect(results).to_be_visible(timeout=15_000)
    # Redoc's only attempt to reach another site, its logo, is refused by the policy.
    expect(page.get_by_alt_text("redocly logo")).to_have_count(0)
    assert outside in ([], [REDOC_LOGO])
    assert [(v["directive"], v["blocked"]) for v in log.violations] == [("img-src", REDOC_LOGO)]


def test_an_inline_script_in_a_page_is_blocked_and_reported(
    watched_page: Page, live_server, log: ViolationLog
):
    """The check above would catch a template that regressed: here the dashboard is served
    with an inline script, a style attribute and an inline handler added to its HTML."""
    reviewer = UserFactory.create(username="ana", roles=["reviewer"])
    page = watched_page
    sign_in(page, live_server.url, reviewer.username)

    def tamper(route: Any) -> None:
        response = route.fetch()
        body = response.text().replace(
            "</main>",
            '<script>window.__ran = "script"</script>'
            '<p id="styled" style="color: rgb(255, 0, 0)">Red</p>'
            '<img id="handler" src="data:," onload="window.__ran = \'handler\'">'
            "</main>",
        )
        route.fulfill(response=response, body=body)

    page.route(f"{live_server.url}/", tamper)
    page.goto(f"{live_server.url}/")

    assert page.evaluate("window.__ran") is None
    assert page.evaluate("getComputedStyle(document.getElementById('styled')).color") != (
        "rgb(255, 0, 0)"
    )
    on_page = page.evaluate("window.__cspViolations")
    directives = sorted(violation["directive"] for violation in on_page)
    assert directives == ["script-src-attr", "script-src-elem", "style-src-attr"], on_page
    page.wait_for_function("() => true")  # let the reports reach the test
    assert len(log.violations) == 3
    assert len(log.console) == 3
    with pytest.raises(AssertionError):
        log.assert_none()
