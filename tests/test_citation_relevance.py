"""A fetched page that shares little with the link citing it may not be the page cited."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client

from claims.models import Source, SourceStatus
from claims.pipeline.fetches import run_fetch
from tests.factories import ClaimFactory, SnapshotFactory, SourceFactory
from tests.webserver import PageServer, article_page
from texts.relevance import (
    MISMATCH_BELOW,
    anchor_relevance,
    content_words,
    may_not_be_cited_page,
)

CENSUS_TITLE = "Street tree census 2023"
CENSUS_TEXT = "The parks department counted 4,012 street trees planted across the city in 2023."


# --- The score (plain Python) ---------------------------------------------------


def test_the_page_the_link_names_scores_high():
    score = anchor_relevance("the parks department's 2023 tree census", CENSUS_TITLE, CENSUS_TEXT)
    assert score == 1.0
    assert not may_not_be_cited_page(score)


def test_a_page_about_something_else_scores_low_and_is_flagged():
    score = anchor_relevance(
        "the parks department's 2023 tree census",
        "Domain for sale",
        "This domain may be for sale. Buy it now from our registrar.",
    )
    assert score == 0.0
    assert may_not_be_cited_page(score)


def test_words_count_in_the_title_or_in_the_text():
    assert anchor_relevance("tree census", "Tree census", "") == 1.0
    assert anchor_relevance("tree census", "", "The census of every tree.") == 1.0
    assert anchor_relevance("tree census budget", "Tree census", "Nothing else.") == pytest.approx(
        0.667
    )


def test_case_plurals_possessives_and_compatibility_characters_do_not_matter():
    assert anchor_relevance("CITY'S TREES", "", "every tree of the city") == 1.0
    assert anchor_relevance("ﬁnal libraries budget", "", "the final library budget") == 1.0


def test_numbers_count_and_keep_their_thousands():
    assert content_words("planted 4,012 trees") == {"planted", "4012", "tree"}
    assert anchor_relevance("4,012 trees", "", "We planted 4012 trees.") == 1.0


@pytest.mark.parametrize(
    "anchor",
    ["here", "this report", "click here", "source", "[1]", "read more on the website", "", "a"],
)
def test_a_short_or_generic_link_text_is_not_judged(anchor: str):
    assert anchor_relevance(anchor, "Domain for sale", "Buy this domain.") is None
    assert not may_not_be_cited_page(None)


def test_the_threshold_is_a_third_of_the_links_words():
    assert may_not_be_cited_page(MISMATCH_BELOW - 0.01)
    assert not may_not_be_cited_page(MISMATCH_BELOW)
    # One word of three found: 0.333, just under the threshold.
    assert may_not_be_cited_page(anchor_relevance("tree census budget", "Tree", ""))


# --- Stored with the snapshot, shown in the UI, the report and the API ---------------


def _fetched(pages: PageServer, anchor: str, title: str, text: str) -> Source:
    url = pages.add(f"/page-{abs(hash(anchor + title))}", article_page(title, text))
    source = SourceFactory.create(
        url=url, href=url, anchor_text=anchor, status=SourceStatus.PENDING
    )
    run_fetch(Source, source.pk, task_id="task-1", final_attempt=True)
    source.refresh_from_db()
    return source


@pytest.mark.django_db
def test_a_fetch_stores_the_pages_relevance_to_the_link(pages: PageServer):
    right = _fetched(pages, "the 2023 street tree census", CENSUS_TITLE, CENSUS_TEXT)
    wrong = _fetched(pages, "the 2023 street tree census", "Welcome", "Log in to your account.")
    generic = _fetched(pages, "here", "Welcome", "Log in to your account.")
    assert right.snapshots.get().anchor_relevance == 1.0
    assert wrong.snapshots.get().anchor_relevance == 0.0
    assert generic.snapshots.get().anchor_relevance is None


@pytest.mark.django_db
def test_a_failed_fetch_is_not_judged(pages: PageServer):
    url = pages.add("/gone", "gone", status=404)
    source = SourceFactory.create(url=url, href=url, anchor_text="the 2023 street tree census")
    run_fetch(Source, source.pk, task_id="task-1", final_attempt=True)
    assert source.snapshots.get().anchor_relevance is None


def _miscited_source() -> Source:
    claim = ClaimFactory.create()
    source = SourceFactory.create(
        article=claim.article, anchor_text="the 2023 street tree census", status=SourceStatus.OK
    )
    claim.sources.add(source)
    SnapshotFactory.create(source=source, title="Welcome", anchor_relevance=0.0)
    return source


WARNING = "This page may not be the one cited."


@pytest.mark.django_db
def test_the_reader_the_claim_page_and_the_report_warn(client: Client, reviewer):
    source = _miscited_source()
    fine = SourceFactory.create(article=source.article, status=SourceStatus.OK)
    SnapshotFactory.create(source=fine, anchor_relevance=0.9)
    client.force_login(reviewer)
    reader = client.get(f"/articles/{source.article_id}/").content.decode()
    assert reader.count(WARNING) == 1
    assert WARNING in client.get(f"/claims/{source.claims.get().pk}/").content.decode()
    report = client.get(f"/articles/{source.article_id}/report/").content.decode()
    assert 'Sources that may not be the pages cited <span class="count">1</span>' in report
    assert "This page may not be the one cited</span>" in report


@pytest.mark.django_db
def test_pages_that_match_or_were_not_judged_carry_no_warning(client: Client, reviewer):
    claim = ClaimFactory.create()
    for relevance in (1.0, None):
        source = SourceFactory.create(article=claim.article, status=SourceStatus.OK)
        claim.sources.add(source)
        SnapshotFactory.create(source=source, anchor_relevance=relevance)
    client.force_login(reviewer)
    assert WARNING not in client.get(f"/articles/{claim.article_id}/").content.decode()
    assert WARNING not in client.get(f"/claims/{claim.pk}/").content.decode()


@pytest.mark.django_db
def test_the_api_says_which_source_may_not_be_the_page_cited(reviewer_api):
    source = _miscited_source()
    body = reviewer_api.get(f"/api/v1/sources/{source.pk}/").json()
    assert body["may_not_be_cited_page"] is True
    assert body["latest_snapshot"]["anchor_relevance"] == 0.0
    assert body["latest_snapshot"]["may_not_be_cited_page"] is True
    report = reviewer_api.get(f"/api/v1/articles/{source.article_id}/report/").json()
    assert report["citations"]["sources_maybe_miscited"] == [source.pk]
    assert report["sources"][0]["may_not_be_cited_page"] is True


@pytest.mark.django_db
def test_the_csv_report_flags_the_source_that_may_not_be_the_page_cited(reviewer_api):
    source = _miscited_source()
    fine = SourceFactory.create(article=source.article, status=SourceStatus.OK)
    SnapshotFactory.create(source=fine, anchor_relevance=0.9)

    response = reviewer_api.get(f"/api/v1/articles/{source.article_id}/report/?format=csv")
    rows = {
        (row["row"], row["id"]): row
        for row in csv.DictReader(io.StringIO(response.content.decode()))
    }

    assert rows[("source", str(source.pk))]["warning"] == "this page may not be the one cited"
    assert rows[("source", str(fine.pk))]["warning"] == ""
