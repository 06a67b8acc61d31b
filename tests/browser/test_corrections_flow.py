"""Correcting what was recorded, in Chromium: a reviewer changes a claim's kind, sources
and passage (typed on the claim page, then re-selected in the reader), corrects and
deletes evidence and a comment, withdraws a rating, deletes the claim, and changes a
fetched source's URL in the reader, where the new fetch shows without a reload."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import connection
from playwright.sync_api import Page, expect

from claims.models import Claim, ClaimKind, Evidence, Rating, Source, SourceStatus
from claims.services.articles import article_import
from claims.services.claims import claim_create
from claims.services.evidence import evidence_create
from claims.tasks import fetch_source
from editorial.models import Comment
from factcheck.celery import app as celery_app
from tests.browser.conftest import select_text, sign_in
from tests.factories import UserFactory
from tests.webserver import PageServer, article_page
from tests.worker import broker_is_shared, running_worker

pytestmark = pytest.mark.django_db(transaction=True)

FIRST = "The council planted 4,000 trees last year."
SECOND = "The parks director said the canopy will double by 2035."
THIRD = "Critics say the programme cost twice what was promised."


def article_text(budget_url: str, interview_url: str) -> str:
    return f"""# Trees, counted

{FIRST} The [budget papers]({budget_url}) list the planting.

{SECOND} She spoke in an [interview]({interview_url}).

{THIRD}
"""


def fetch(source: Source) -> None:
    """What a worker does with the job the request queued (run here, on any database)."""
    fetch_source.apply(args=[source.pk])


def test_a_reviewer_corrects_a_claim_its_evidence_discussion_and_rating_and_a_source(
    page: Page, live_server, pages: PageServer, shoot: Callable[..., None]
) -> None:
    base = live_server.url
    ana = UserFactory.create(username="ana", display_name="Ana Reviewer", roles=["reviewer"])
    budget = pages.add("/budget", article_page("Budget 2023", "Trees: 4,000 planted."))
    interview = pages.add("/interview", article_page("Interview", SECOND))
    article = article_import(
        content=article_text(budget, pages.url("/intervew")),
        source_format="markdown",
        imported_by=ana,
    )
    budget_source, interview_source = article.sources.order_by("position")
    for source in (budget_source, interview_source):
        fetch(source)
    claim = claim_create(article=article, created_by=ana, quote=FIRST)
    evidence = evidence_create(
        claim=claim, author=ana, stance="supports", url=budget, note="The 2022 report."
    )

    sign_in(page, base, ana.username)
    page.goto(f"{base}/claims/{claim.pk}/")

    # Kind and sources.
    page.get_by_text("Correct this claim").click()
    corrections = page.locator("#correct-claim")
    corrections.get_by_label("Quote (attributed passage)").check()
    corrections.get_by_label("[2] interview").check()
    shoot(page, "corrections-01-claim-form", full_page=False)
    corrections.get_by_role("button", name="Save kind and sources").click()
    expect(page.get_by_text("The claim was corrected.")).to_be_visible()
    claim.refresh_from_db()
    assert claim.kind == ClaimKind.QUOTE
    assert list(claim.sources.all()) == [interview_source]
    expect(page.locator("#history")).to_contain_text("changed the kind from Factual to Quote")

    # The passage, typed: the server finds the words.
    page.get_by_text("Correct this claim").click()
    corrections.get_by_role("textbox", name="Passage").fill(THIRD)
    corrections.get_by_role("button", name="Move the claim to this passage").click()
    expect(page.get_by_text("The claim now stands on the new passage.")).to_be_visible()
    claim.refresh_from_db()
    assert claim.quote == THIRD
    expect(page.locator(".passage")).to_contain_text(THIRD)

    # The passage, re-selected in the reader.
    page.get_by_text("Correct this claim").click()
    page.get_by_role("link", name="Re-select it in the reader").click()
    expect(page.locator("#move-banner")).to_contain_text("Select the new passage for claim")
    select_text(page, SECOND)
    move = page.get_by_role("button", name="Move the claim here")
    expect(move).to_be_visible()
    shoot(page, "corrections-02-reselect-in-reader", full_page=False)
    move.click()
    expect(page.get_by_text("The claim now stands on the new passage.")).to_be_visible()
    claim.refresh_from_db()
    assert (claim.quote, claim.start) == (SECOND, article.text.index(SECOND))
    expect(page.locator("#history")).to_contain_text("changed the passage")

    # Evidence: a new URL is fetched again; then it is deleted.
    item = page.locator(f"#evidence-{evidence.pk}")
    item.locator("summary", has_text="Edit").click()
    item.get_by_role("textbox", name="URL").fill(interview)
    item.get_by_role("textbox", name="Note").fill("The interview, word for word.")
    shoot(page, "corrections-03-evidence-edit", full_page=False)
    item.get_by_role("button", name="Save evidence").click()
    expect(page.get_by_text("Evidence corrected.")).to_be_visible()
    evidence.refresh_from_db()
    assert (evidence.url, evidence.status) == (interview, SourceStatus.PENDING)
    expect(item).to_contain_text("The interview, word for word.")
    item.locator("summary", has_text="Delete…").click()
    item.get_by_role("button", name="Delete this evidence").click()
    expect(page.get_by_text("Evidence deleted.")).to_be_visible()
    assert not Evidence.objects.exists()
    expect(page.locator("#history")).to_contain_text("removed evidence")

    # A comment: posted, edited (it says so), deleted.
    page.get_by_label("Your message").fill("Whcih interview?")
    page.get_by_role("button", name="Post").click()
    comment = Comment.objects.get()
    entry = page.locator(f"#comment-{comment.pk}")
    entry.locator("summary", has_text="Edit").click()
    entry.get_by_role("textbox", name="Your message").fill("Which interview?")
    entry.get_by_role("button", name="Save comment").click()
    expect(page.get_by_text("Comment edited.")).to_be_visible()
    expect(entry.locator(".comment__edited")).to_contain_text("edited")
    expect(entry).to_contain_text("Which interview?")
    shoot(page, "corrections-04-comment-edited", full_page=False)
    entry.locator("summary", has_text="Delete…").click()
    entry.get_by_role("button", name="Delete this comment").click()
    expect(page.get_by_text("Comment deleted.")).to_be_visible()
    assert not Comment.objects.exists()

    # A rating, withdrawn.
    page.get_by_label("Mostly true").check()
    page.get_by_label("Rationale").fill("She said it in the interview.")
    page.get_by_role("button", name="Save rating").click()
    expect(page.get_by_text("Rating saved.")).to_be_visible()
    page.get_by_role("button", name="Withdraw my rating").click()
    expect(page.get_by_text("Your rating was withdrawn.")).to_be_visible()
    assert not Rating.objects.exists()
    expect(page.locator("#history")).to_contain_text("withdrew their rating")
    expect(page.get_by_role("heading", name="Rate this claim")).to_be_visible()
    shoot(page, "corrections-05-claim-after")

    # The claim, deleted: back in the reader, gone from it.
    page.get_by_text("Correct this claim").click()
    page.get_by_text("Delete this claim…").click()
    page.get_by_role("button", name="Delete the claim").click()
    expect(page.get_by_text("The claim was deleted; its history keeps it.")).to_be_visible()
    page.wait_for_url(f"{base}/articles/{article.pk}/")
    expect(page.locator("mark.hl")).to_have_count(0)
    assert not Claim.objects.exists()
    assert Claim.history.filter(history_type="-").get().history_user == ana

    # A source's wrong URL, changed in the reader: the new fetch shows as it happens.
    page.get_by_role("tab", name=re.compile("Sources")).click()
    row = page.locator(f"#source-{interview_source.pk}")
    expect(row.locator(".badge")).to_have_text(re.compile("Failed|Dead link"))
    row.get_by_text("Change URL").click()
    row.get_by_label("New URL").fill(interview)
    row.get_by_role("button", name="Fetch from it").click()
    state = page.locator(f"#source-{interview_source.pk}-state .badge")
    expect(state).to_have_text(re.compile("Pending|Fetching"))
    page.evaluate("window.__notReloaded = true")
    shoot(page, "corrections-06-source-url-pending", full_page=False)
    interview_source.refresh_from_db()
    assert (interview_source.url, interview_source.status) == (interview, SourceStatus.PENDING)
    fetch(interview_source)
    expect(state).to_have_text("OK", timeout=30_000)
    expect(row).to_contain_text("Interview")
    assert page.evaluate("window.__notReloaded") is True
    assert interview_source.snapshots.count() == 2  # the failed fetch's snapshot stays
    shoot(page, "corrections-07-source-url-fetched", full_page=False)


def test_an_article_details_are_corrected_in_the_reader(
    page: Page, live_server, shoot: Callable[..., None]
) -> None:
    ben = UserFactory.create(username="ben", roles=["reviewer"])
    article = article_import(
        content=f"# Trees, counted\n\n{FIRST}\n", source_format="markdown", imported_by=ben
    )

    sign_in(page, live_server.url, ben.username)
    page.goto(f"{live_server.url}/articles/{article.pk}/")
    page.get_by_text("Correct the details").click()
    page.get_by_label("Author / byline").fill("A. Writer")
    page.get_by_label("Publisher").fill("The Gazette")
    page.get_by_label("Original URL").fill("https://gazette.example/trees")
    page.get_by_label("Publication date").fill("2024-03-01")
    shoot(page, "corrections-08-article-details", full_page=False)
    page.get_by_role("button", name="Save details").click()

    expect(page.get_by_text("The article's details were saved.")).to_be_visible()
    meta = page.locator(".article-head__meta")
    expect(meta).to_contain_text("A. Writer")
    expect(meta).to_contain_text("The Gazette")
    expect(meta).to_contain_text("1 March 2024")
    article.refresh_from_db()
    assert (article.byline, article.publisher) == ("A. Writer", "The Gazette")


@pytest.mark.worker
def test_with_a_real_worker_a_corrected_source_url_is_fetched_while_the_reader_watches(
    page: Page, live_server, pages: PageServer, shoot: Callable[..., None], tmp_path: Path
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("a worker process shares the live server's database only on PostgreSQL")
    if not broker_is_shared():
        pytest.skip("needs CELERY_BROKER_URL pointing at Redis or RabbitMQ")
    celery_app.control.purge()
    ana = UserFactory.create(username="ana", roles=["reviewer"])
    budget = pages.add("/budget", article_page("Budget 2023", "Trees: 4,000 planted."))
    interview = pages.add("/interview", article_page("Interview", SECOND))
    with running_worker(tmp_path / "worker.log"):
        article = article_import(
            content=article_text(budget, pages.url("/intervew")),
            source_format="markdown",
            imported_by=ana,
        )
        wrong = article.sources.get(position=2)
        deadline = time.monotonic() + 60
        while Source.objects.filter(article=article, status__in=["pending", "fetching"]).exists():
            assert time.monotonic() < deadline, "the worker did not fetch the sources"
            time.sleep(0.2)

        sign_in(page, live_server.url, ana.username)
        page.goto(f"{live_server.url}/articles/{article.pk}/#source-{wrong.pk}")
        row = page.locator(f"#source-{wrong.pk}")
        expect(row.locator(".badge")).to_have_text(re.compile("Failed|Dead link"))
        row.get_by_text("Change URL").click()
        row.get_by_label("New URL").fill(interview)
        row.get_by_role("button", name="Fetch from it").click()
        page.evaluate("window.__notReloaded = true")

        expect(page.locator(f"#source-{wrong.pk}-state .badge")).to_have_text("OK", timeout=60_000)
        expect(row).to_contain_text("Interview")
        assert page.evaluate("window.__notReloaded") is True
        shoot(page, "corrections-09-source-url-worker", full_page=False)
    wrong.refresh_from_db()
    assert (wrong.url, wrong.status, wrong.snapshots.count()) == (interview, "ok", 2)
