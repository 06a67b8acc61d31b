"""Public web archives, against a local stand-in that speaks Save Page Now and the
availability API: a page is captured once, on its first successful fetch, and a dead
source is offered the archive's closest copy as the URL to use."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from django.urls import reverse

from claims.models import ArticleStatus, Source, SourceSnapshot, SourceStatus, Verdict
from claims.pipeline import archives
from claims.tasks import fetch_source
from factcheck.celery import app as celery_app
from tests.archive_stand_in import CAPTURED_AT, ArchiveStandIn, archive_stand_in
from tests.factories import ArticleFactory, ClaimFactory, SourceFactory
from tests.webserver import PageServer, article_page
from tests.workflow import publish

pytestmark = pytest.mark.django_db

REPORT = article_page("Annual parks report", "The city planted 4,012 street trees in 2023.")


@pytest.fixture
def archive(settings, pages: PageServer) -> Iterator[ArchiveStandIn]:
    """The stand-in archive, enabled; jobs run at once, in this process."""
    with archive_stand_in() as stand_in:
        settings.WEB_ARCHIVE_ENABLED = True
        settings.WEB_ARCHIVE_SAVE_URL = stand_in.save_url
        settings.WEB_ARCHIVE_AVAILABILITY_URL = stand_in.availability_url
        settings.FETCH_MAX_RETRIES = 0
        eager = celery_app.conf.task_always_eager
        celery_app.conf.task_always_eager = True
        try:
            yield stand_in
        finally:
            celery_app.conf.task_always_eager = eager


def fetched(source: Source) -> Source:
    """Fetch the source (again) as the periodic recheck would, jobs it queues included."""
    Source.objects.filter(pk=source.pk).update(status=SourceStatus.PENDING)
    fetch_source.apply(args=[source.pk])
    return Source.objects.get(pk=source.pk)


def snapshots(source: Source) -> list[SourceSnapshot]:
    return list(SourceSnapshot.objects.filter(source=source).order_by("fetched_at", "id"))


def test_a_page_is_captured_once_and_its_copy_recorded(archive: ArchiveStandIn, pages):
    url = pages.add("/report", REPORT)
    source = SourceFactory.create(url=url, href=url)

    assert fetched(source).status == SourceStatus.OK
    assert fetched(source).status == SourceStatus.OK  # a recheck
    assert fetched(source).status == SourceStatus.OK

    assert archive.saves == [url]
    first, *rechecks = snapshots(source)
    assert first.archive_url == archive.copy_of(url)
    assert [s.archive_url for s in rechecks] == ["", ""]
    assert not archive.lookups


def test_the_copy_can_be_named_by_the_redirect_the_capture_ends_at(archive, pages):
    archive.save_answer = "redirect"
    url = pages.add("/report", REPORT)
    source = SourceFactory.create(url=url, href=url)
    fetched(source)
    [snapshot] = snapshots(source)
    assert snapshot.archive_url == archive.copy_of(url)


def test_nothing_is_asked_while_web_archives_are_off(archive, pages, settings):
    settings.WEB_ARCHIVE_ENABLED = False
    url = pages.add("/report", REPORT)
    fetched(SourceFactory.create(url=url, href=url))
    assert archive.saves == []


def test_an_archive_that_is_down_is_asked_again_later(archive, pages):
    archive.save_answer = "unavailable"
    url = pages.add("/report", REPORT)
    source = SourceFactory.create(url=url, href=url)
    fetched(source)
    [snapshot] = snapshots(source)
    run = archives.capture(snapshot.pk)
    assert run.outcome == "retry"
    assert run.retry_in == 1.0  # its Retry-After
    assert snapshot.archive_url == ""


def test_the_archive_has_its_own_rate_limit(archive, pages, settings):
    settings.WEB_ARCHIVE_REQUESTS_PER_MINUTE = 1
    first, second = (
        SourceFactory.create(url=pages.add(path, REPORT), href=pages.add(path, REPORT))
        for path in ("/one", "/two")
    )
    fetched(first)
    assert len(archive.saves) == 1
    settings.WEB_ARCHIVE_ENABLED = False  # fetched without its capture, asked for below
    fetched(second)
    settings.WEB_ARCHIVE_ENABLED = True
    [snapshot] = snapshots(second)
    assert archives.capture(snapshot.pk).outcome == "busy"
    assert len(archive.saves) == 1


def test_a_dead_source_is_offered_its_closest_archived_copy(
    archive: ArchiveStandIn, pages, reviewer, reviewer_api, client
):
    url = pages.add("/report", REPORT)
    source = SourceFactory.create(
        url=url, href=url, article=ArticleFactory.create(imported_by=reviewer)
    )
    fetched(source)
    read_at = snapshots(source)[0].fetched_at
    pages.add("/report", "gone", status=404)
    older_copy = archive.copy_of(url, "20251231000000")
    archive.copies[url] = older_copy

    assert fetched(source).status == SourceStatus.DEAD
    assert fetched(source).status == SourceStatus.DEAD  # still dead: not asked again
    assert archive.lookups == [{"url": url, "timestamp": read_at.strftime("%Y%m%d%H%M%S")}]
    assert snapshots(source)[1].archive_url == older_copy

    shown = reviewer_api.get(f"/api/v1/sources/{source.pk}/").json()
    assert shown["archive_offer"] == older_copy
    assert shown["archived_copy"] == older_copy
    client.force_login(reviewer)
    reader = client.get(reverse("web:article", args=[source.article_id])).content.decode()
    assert "Use the archived copy" in reader
    assert f'value="{older_copy}"' in reader

    used = reviewer_api.post(f"/api/v1/sources/{source.pk}/use-archived-copy/")
    assert used.status_code == 200, used.content
    assert used.json()["url"] == older_copy
    assert used.json()["archive_offer"] == ""
    assert used.json()["status"] == "pending"
    again = reviewer_api.post(f"/api/v1/sources/{source.pk}/use-archived-copy/")
    assert again.status_code == 400
    assert "No archived copy is offered" in again.json()["detail"]


def test_a_dead_page_the_archive_never_saw_offers_nothing(archive, pages, reviewer_api):
    url = pages.add("/missing", "gone", status=404)
    source = SourceFactory.create(url=url, href=url)
    assert fetched(source).status == SourceStatus.DEAD
    assert archive.lookups == [{"url": url}]  # never read: the latest copy
    assert reviewer_api.get(f"/api/v1/sources/{source.pk}/").json()["archive_offer"] == ""


def test_the_public_page_and_claimreview_show_the_archived_copy_beside_the_link(
    archive, pages, editor, client, api
):
    url = pages.add("/report", REPORT)
    claim = ClaimFactory.create(article=ArticleFactory.create(status=ArticleStatus.PUBLISHED))
    source = SourceFactory.create(url=url, href=url, article=claim.article)
    claim.sources.add(source)
    fetched(source)
    publish(claim, editor, Verdict.TRUE)
    copy = archive.copy_of(url)

    page = client.get(reverse("fact-check", args=[claim.pk])).content.decode()
    assert f'href="{url}"' in page
    assert f'href="{copy}"' in page
    review = api.get(f"/api/v1/claims/{claim.pk}/claimreview/").json()
    assert review["citation"] == [{"@type": "CreativeWork", "url": url, "archivedAt": copy}]
    [listed] = api.get(f"/api/v1/articles/{claim.article_id}/claimreview/").json()
    assert listed["citation"] == review["citation"]
    embedded = page.split('<script type="application/ld+json">')[1].split("</script>")[0]
    assert json.loads(embedded)["citation"] == review["citation"]
    assert CAPTURED_AT in copy
