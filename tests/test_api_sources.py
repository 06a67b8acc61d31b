"""Cited sources over the REST API: list, filter, detail, supply a URL, fetch again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from claims.models import Source, SourceStatus
from tests.factories import ArticleFactory, SnapshotFactory, SourceFactory

pytestmark = pytest.mark.django_db

SOURCES = "/api/v1/sources/"
CONTRACT_FIELDS = {"id", "article", "anchor_text", "href", "url", "status"}


def test_sources_list_has_the_contract_fields(reviewer_api) -> None:
    source = SourceFactory.create(anchor_text="the report", href="https://example.org/r")

    response = reviewer_api.get(SOURCES)

    assert response.status_code == 200
    [row] = response.json()["results"]
    assert set(row) >= CONTRACT_FIELDS
    assert row["id"] == source.pk
    assert row["article"] == source.article_id
    assert row["anchor_text"] == "the report"
    assert row["href"] == row["url"] == "https://example.org/r"
    assert row["status"] == "pending"


def test_sources_filter_by_article_and_by_status(reviewer_api) -> None:
    article = ArticleFactory.create()
    ok = SourceFactory.create(article=article, status=SourceStatus.OK)
    needs_url = SourceFactory.create(article=article, status=SourceStatus.NEEDS_URL, url="")
    SourceFactory.create(status=SourceStatus.OK)  # another article's

    of_article = reviewer_api.get(SOURCES, {"article": article.pk}).json()["results"]
    ok_of_article = reviewer_api.get(SOURCES, {"article": article.pk, "status": "ok"}).json()
    without_url = reviewer_api.get(SOURCES, {"status": "needs_url"}).json()["results"]

    assert {row["id"] for row in of_article} == {ok.pk, needs_url.pk}
    assert [row["id"] for row in ok_of_article["results"]] == [ok.pk]
    assert [row["id"] for row in without_url] == [needs_url.pk]


def test_sources_are_ordered_as_asked(reviewer_api) -> None:
    article = ArticleFactory.create()
    first = SourceFactory.create(article=article, position=1)
    second = SourceFactory.create(article=article, position=2)

    response = reviewer_api.get(SOURCES, {"ordering": "-position"})

    assert [row["id"] for row in response.json()["results"]] == [second.pk, first.pk]


def test_source_detail_shows_its_latest_snapshot_with_a_text_excerpt(reviewer_api) -> None:
    source = SourceFactory.create(status=SourceStatus.OK)
    now = timezone.now()
    SnapshotFactory.create(source=source, fetched_at=now - timedelta(days=2), title="Old")
    latest = SnapshotFactory.create(source=source, fetched_at=now, title="New", text="x" * 2000)

    response = reviewer_api.get(f"{SOURCES}{source.pk}/")

    assert response.status_code == 200
    body = response.json()
    assert body["snapshots_count"] == 2
    assert body["latest_snapshot"]["id"] == latest.pk
    assert body["latest_snapshot"]["title"] == "New"
    assert body["latest_snapshot"]["excerpt"] == "x" * 500


def test_the_sources_list_shows_the_latest_snapshot_without_its_text(reviewer_api) -> None:
    source = SourceFactory.create(status=SourceStatus.OK)
    snapshot = SnapshotFactory.create(source=source)

    [row] = reviewer_api.get(SOURCES).json()["results"]

    assert row["latest_snapshot"]["id"] == snapshot.pk
    assert "excerpt" not in row["latest_snapshot"]


def test_a_source_without_a_snapshot_has_none(reviewer_api) -> None:
    source = SourceFactory.create()

    response = reviewer_api.get(f"{SOURCES}{source.pk}/")

    assert response.json()["latest_snapshot"] is None


def test_supplying_a_url_for_a_source_that_needs_one_queues_it(reviewer_api, reviewer) -> None:
    source = SourceFactory.create(
        status=SourceStatus.NEEDS_URL, url="", href="#", article__imported_by=reviewer
    )

    response = reviewer_api.patch(
        f"{SOURCES}{source.pk}/", {"url": " https://example.org/found "}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["url"] == "https://example.org/found"
    assert response.json()["status"] == "pending"
    source.refresh_from_db()
    assert source.url == "https://example.org/found"
    assert source.status == SourceStatus.PENDING


def test_an_invalid_url_is_refused_and_the_source_still_needs_one(reviewer_api, reviewer) -> None:
    source = SourceFactory.create(
        status=SourceStatus.NEEDS_URL, url="", href="#", article__imported_by=reviewer
    )

    for url in ["not a url", "javascript:alert(1)", "ftp://example.org/x", ""]:
        response = reviewer_api.patch(f"{SOURCES}{source.pk}/", {"url": url}, format="json")

        assert response.status_code == 400, url
        assert "url" in response.json()["errors"]
    source.refresh_from_db()
    assert (source.url, source.status) == ("", SourceStatus.NEEDS_URL)


def test_an_empty_patch_leaves_the_source_as_it_is(reviewer_api) -> None:
    source = SourceFactory.create(status=SourceStatus.NEEDS_URL, url="", href="#")

    response = reviewer_api.patch(f"{SOURCES}{source.pk}/", {}, format="json")

    assert response.status_code == 200
    assert response.json()["status"] == "needs_url"
    source.refresh_from_db()
    assert source.status == SourceStatus.NEEDS_URL


def test_fetching_a_source_without_a_url_is_refused(reviewer_api) -> None:
    source = SourceFactory.create(status=SourceStatus.NEEDS_URL, url="", href="#")

    response = reviewer_api.post(f"{SOURCES}{source.pk}/fetch/")

    assert response.status_code == 400
    assert "no URL" in response.json()["detail"]
    source.refresh_from_db()
    assert source.status == SourceStatus.NEEDS_URL


def test_fetching_a_source_again_is_accepted_and_queues_it(reviewer_api) -> None:
    source = SourceFactory.create(status=SourceStatus.FAILED, status_detail="timed out")

    response = reviewer_api.post(f"{SOURCES}{source.pk}/fetch/")

    assert response.status_code == 202
    assert response.json()["status"] == "pending"
    source.refresh_from_db()
    assert source.status == SourceStatus.PENDING
    assert source.status_detail == ""


def test_sources_cannot_be_created_or_deleted_over_the_api(editor_api) -> None:
    source = SourceFactory.create()

    created = editor_api.post(SOURCES, {"url": "https://example.org/"}, format="json")
    deleted = editor_api.delete(f"{SOURCES}{source.pk}/")

    assert created.status_code == deleted.status_code == 405
    assert Source.objects.count() == 1
