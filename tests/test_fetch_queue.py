"""Queueing source fetches: after commit, one site's sources taking turns with the others'."""

from __future__ import annotations

import pytest

from claims.models import SourceStatus
from claims.tasks import enqueue_source_fetches, fetch_source, sites_taking_turns
from tests.factories import ArticleFactory, SourceFactory


def test_sources_of_one_site_take_turns_with_other_sites():
    urls = {
        1: "https://a.example/1",
        2: "https://a.example/2",
        3: "https://a.example/3",
        4: "https://B.example/1",
        5: "https://b.example/2",
        6: "https://a.example:8443/1",
    }
    assert sites_taking_turns([1, 2, 3, 4, 5, 6], urls) == [1, 4, 6, 2, 5, 3]


def test_a_source_deleted_before_the_commit_is_still_sent():
    assert sites_taking_turns([7, 1], {1: "https://a.example/1"}) == [7, 1]


@pytest.mark.django_db
def test_an_article_s_fetches_are_sent_after_commit_with_sites_taking_turns(
    monkeypatch, django_capture_on_commit_callbacks
):
    sent: list[int] = []
    monkeypatch.setattr(fetch_source, "delay", sent.append)
    article = ArticleFactory.create()
    first, second, other = (
        SourceFactory.create(article=article, url=url, status=SourceStatus.PENDING)
        for url in ("https://a.example/1", "https://a.example/2", "https://b.example/1")
    )

    with django_capture_on_commit_callbacks(execute=True):
        enqueue_source_fetches([first.pk, second.pk, other.pk])
        assert sent == []

    assert sent == [first.pk, other.pk, second.pk]


@pytest.mark.django_db
def test_many_sources_cost_the_request_one_message_and_a_worker_fans_them_out(
    monkeypatch, django_capture_on_commit_callbacks
):
    from claims.tasks import fan_out_source_fetches

    article = ArticleFactory.create()
    sources = [
        SourceFactory.create(
            article=article, url=f"https://site{n % 3}.example/{n}", status=SourceStatus.PENDING
        )
        for n in range(30)
    ]
    fanned: list[list[int]] = []
    monkeypatch.setattr(fan_out_source_fetches, "delay", fanned.append)
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_source_fetches(source.pk for source in sources)
    assert fanned == [[source.pk for source in sources]]

    sent: list[int] = []
    monkeypatch.setattr(fetch_source, "delay", sent.append)
    fan_out_source_fetches.apply(args=fanned)
    assert sorted(sent) == sorted(source.pk for source in sources)
    assert sent[:3] == [sources[0].pk, sources[1].pk, sources[2].pk]  # sites take turns
