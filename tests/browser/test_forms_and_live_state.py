"""What a reviewer sees when a form fails, and when evidence is being fetched: the error
summary takes the focus and the address stays one that reloads; an evidence item's status
changes on the claim page without a reload, and the page stops asking once it is done."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import connection
from playwright.sync_api import Page, expect

from claims.models import Evidence, SourceStatus
from claims.tasks import fetch_evidence
from factcheck.celery import app as celery_app
from tests.browser.conftest import sign_in
from tests.factories import ClaimFactory, SnapshotFactory, SourceFactory, UserFactory
from tests.webserver import PageServer, article_page
from tests.worker import broker_is_shared, running_worker

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_rating_that_fails_shows_its_errors_focused_at_an_address_that_reloads(
    page: Page, live_server, shoot: Callable[..., None]
):
    base_url = live_server.url
    reviewer = UserFactory.create(username="ana", roles=["reviewer"])
    claim = ClaimFactory.create()
    sign_in(page, base_url, reviewer.username)
    page.goto(f"{base_url}/claims/{claim.pk}/")
    page.get_by_label("Mostly true").check()
    page.get_by_role("button", name="Save rating").click()

    page.wait_for_url(f"{base_url}/claims/{claim.pk}/#form-errors")
    summary = page.locator("#form-errors")
    expect(summary).to_be_focused()
    expect(summary).to_have_attribute("role", "alert")
    expect(summary).to_contain_text("Rationale: This field is required.")
    expect(page.get_by_label("Mostly true")).to_be_checked()  # what was chosen stays
    shoot(page, "forms-01-rating-error-focused", full_page=False)

    # The summary's link leads to the field.
    summary.get_by_role("link", name=re.compile("Rationale")).click()
    expect(page).to_have_url(re.compile(r"#id_rationale$"))

    response = page.reload()
    assert response is not None
    assert response.status == 200
    expect(page.locator("[data-error-summary]")).to_have_count(0)
    assert not claim.ratings.exists()


def evidence_flow(
    page: Page,
    base_url: str,
    pages: PageServer,
    shoot: Callable[..., None],
    fetch: Callable[[Evidence], None],
) -> None:
    reviewer = UserFactory.create(username="ana", roles=["reviewer"])
    claim = ClaimFactory.create()
    cited = SourceFactory.create(
        article=claim.article, anchor_text="the 2023 street tree census", status=SourceStatus.OK
    )
    claim.sources.add(cited)
    SnapshotFactory.create(source=cited, title="Domain for sale", anchor_relevance=0.0)
    url = pages.add(
        "/census",
        article_page("Street tree census 2023", "The city planted 4,012 street trees in 2023."),
    )
    sign_in(page, base_url, reviewer.username)
    page.goto(f"{base_url}/claims/{claim.pk}/")
    expect(page.locator("#sources")).to_contain_text("This page may not be the one cited.")
    page.locator("#sources").scroll_into_view_if_needed()
    shoot(page, "forms-04-source-may-not-be-cited", full_page=False)
    page.goto(f"{base_url}/articles/{claim.article_id}/#source-{cited.pk}")
    row = page.locator(f"#source-{cited.pk}")
    expect(row).to_contain_text("This page may not be the one cited.")
    shoot(page, "forms-05-reader-source-may-not-be-cited", full_page=False)
    page.goto(f"{base_url}/claims/{claim.pk}/")

    page.get_by_label("Supports").check()
    page.get_by_role("textbox", name="URL").fill(url)
    page.get_by_label("Quoted excerpt").fill("planted 4,012 street trees")
    page.get_by_role("button", name="Add evidence").click()
    expect(page.get_by_text("Evidence added.")).to_be_visible()
    evidence = Evidence.objects.get()
    item = page.locator(f"#evidence-{evidence.pk}")
    status = item.locator(".evidence__status")
    poller = page.locator("#evidence-poller")
    expect(status).to_have_text(re.compile("Pending|Fetching|OK"))
    page.evaluate("window.__notReloaded = true")
    if Evidence.objects.get().status in (SourceStatus.PENDING, SourceStatus.FETCHING):
        shoot(page, "forms-02-evidence-pending", full_page=False)
        expect(poller).to_have_attribute("hx-get", re.compile(r"evidence/state/\?ids="))
    fetch(evidence)

    expect(status).to_have_text("OK", timeout=30_000)
    expect(item.locator(".evidence__link")).to_have_text("Street tree census 2023")
    expect(item.locator(".quote-check__result")).to_contain_text("Exact")
    expect(poller).not_to_have_attribute("hx-get", re.compile(".*"))
    assert page.evaluate("window.__notReloaded") is True
    item.scroll_into_view_if_needed()
    shoot(page, "forms-03-evidence-fetched", full_page=False)


def test_evidence_being_fetched_updates_on_the_claim_page(
    page: Page, live_server, pages: PageServer, shoot: Callable[..., None]
):
    """The fetch runs in this process (a worker's job, called directly): any database."""

    def fetch_here(evidence: Evidence) -> None:
        evidence.refresh_from_db()
        if evidence.status == SourceStatus.PENDING:
            fetch_evidence.apply(args=[evidence.pk])

    evidence_flow(page, live_server.url, pages, shoot, fetch_here)


@pytest.mark.worker
def test_with_a_real_worker_evidence_updates_as_it_is_fetched(
    page: Page, live_server, pages: PageServer, shoot: Callable[..., None], tmp_path: Path
):
    if connection.vendor != "postgresql":
        pytest.skip("a worker process shares the live server's database only on PostgreSQL")
    if not broker_is_shared():
        pytest.skip("needs CELERY_BROKER_URL pointing at Redis or RabbitMQ")
    celery_app.control.purge()
    with running_worker(tmp_path / "worker.log"):
        evidence_flow(page, live_server.url, pages, shoot, lambda evidence: None)


def test_a_refused_source_url_is_focused_after_its_row_is_swapped(
    page: Page, live_server, shoot: Callable[..., None]
):
    reviewer = UserFactory.create(username="ana", roles=["reviewer"])
    source = SourceFactory.create(
        url="", status=SourceStatus.NEEDS_URL, article__imported_by=reviewer
    )
    sign_in(page, live_server.url, reviewer.username)
    page.goto(f"{live_server.url}/articles/{source.article_id}/#source-{source.pk}")
    row = page.locator(f"#source-{source.pk}")
    row.get_by_label("Supply the URL to fetch").fill("javascript:alert(1)")
    row.get_by_role("button", name="Fetch").click()
    field = page.locator(f"#source-url-{source.pk}")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_be_focused()
    expect(page).to_have_url(f"{live_server.url}/articles/{source.article_id}/#source-{source.pk}")
    shoot(page, "forms-06-reader-source-url-refused", full_page=False)
    source.refresh_from_db()
    assert source.url == ""
