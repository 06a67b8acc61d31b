"""Supplying a source's URL and asking for a fetch again, from the reader's panel."""

from __future__ import annotations

import pytest
from django.test import Client

from claims.models import Source, SourceStatus
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_(client: Client, reviewer) -> Client:
    client.force_login(reviewer)
    return client


@pytest.fixture
def source(sample_article) -> Source:
    """The citation with no URL; the others' fetches have ended, so nothing else is polled."""
    sample_article.sources.filter(status=SourceStatus.PENDING).update(status=SourceStatus.FAILED)
    return sample_article.sources.get(anchor_text="up for renewal")


def test_a_supplied_url_is_queued_and_the_reader_says_so(client_: Client, source: Source, reviewer):
    response = client_.post(
        f"/sources/{source.pk}/url/", {"url": " https://cfr.example.org/putin "}
    )
    source.refresh_from_db()
    assert (source.url, source.status) == ("https://cfr.example.org/putin", SourceStatus.PENDING)
    assert source.history.latest().history_user == reviewer
    assert response["Location"] == f"/articles/{source.article_id}/#source-{source.pk}"
    page = client_.get(response["Location"]).content.decode()
    assert f"Source {source.position} will be fetched from its new URL." in page
    assert "every 3s" in page


def test_from_htmx_the_row_comes_back_with_the_poller_switched_on(client_: Client, source: Source):
    response = client_.post(
        f"/sources/{source.pk}/url/",
        {"url": "https://cfr.example.org/putin"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith(f'<li class="source" id="source-{source.pk}"')
    assert "Pending" in html
    assert "Fetch again" not in html
    assert 'id="sources-poller" hx-swap-oob="true"' in html
    assert "every 3s" in html


@pytest.mark.parametrize("url", ["", "not a url", "javascript:alert(1)", "ftp://x.example/"])
def test_an_unusable_url_is_refused_next_to_the_field(client_: Client, source: Source, url: str):
    response = client_.post(
        f"/sources/{source.pk}/url/", {"url": url}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="source-url-{source.pk}-errors"' in html
    assert 'aria-invalid="true"' in html
    assert "sources-poller" not in html
    source.refresh_from_db()
    assert source.status == SourceStatus.NEEDS_URL


def test_without_javascript_an_unusable_url_comes_back_as_a_message(
    client_: Client, source: Source
):
    response = client_.post(f"/sources/{source.pk}/url/", {"url": "nope"}, follow=True)
    assert "Enter an absolute http:// or https:// URL" in response.content.decode()


def test_fetch_again_queues_the_source(client_: Client, source: Source):
    Source.objects.filter(pk=source.pk).update(
        url="https://cfr.example.org/x", status=SourceStatus.DEAD
    )
    response = client_.post(f"/sources/{source.pk}/fetch/", headers={"HX-Request": "true"})
    source.refresh_from_db()
    assert source.status == SourceStatus.PENDING
    assert "every 3s" in response.content.decode()


def test_fetch_again_without_a_url_is_refused_politely(client_: Client, source: Source):
    response = client_.post(f"/sources/{source.pk}/fetch/", follow=True)
    assert response.status_code == 200
    assert "This source has no URL to fetch" in response.content.decode()


def test_source_actions_are_posts(client_: Client, source: Source):
    assert client_.get(f"/sources/{source.pk}/url/").status_code == 405
    assert client_.get(f"/sources/{source.pk}/fetch/").status_code == 405
    assert client_.post("/sources/987654321/fetch/").status_code == 404


def test_the_url_form_is_offered_only_to_whoever_may_set_the_url(
    client: Client, source: Source, reviewer
) -> None:
    form = f'action="/sources/{source.pk}/url/"'
    client.force_login(reviewer)  # imported the article
    assert form in client.get(f"/articles/{source.article_id}/").content.decode()

    client.force_login(UserFactory.create(roles=["reviewer"]))
    assert form not in client.get(f"/articles/{source.article_id}/").content.decode()
