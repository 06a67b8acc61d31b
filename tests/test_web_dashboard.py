"""The dashboard: articles with their progress, what waits for me, recent activity."""

from __future__ import annotations

import pytest
from django.test import Client

from claims.models import SourceStatus
from claims.services.claims import claim_create
from claims.services.evidence import evidence_create
from editorial.services.assignments import claim_assign
from editorial.services.ratings import rating_submit
from tests.factories import ArticleFactory, ClaimFactory, SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_(client: Client, reviewer) -> Client:
    client.force_login(reviewer)
    return client


def dashboard(client: Client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_each_article_shows_its_progress(client_: Client, reviewer):
    article = ArticleFactory.create(title="Trees <b>and</b> parks")
    for status in (SourceStatus.OK, SourceStatus.OK, SourceStatus.NEEDS_URL, SourceStatus.DEAD):
        SourceFactory.create(
            article=article,
            status=status,
            url="" if status == "needs_url" else "https://x.example/",
        )
    rated, _unrated, published = (
        ClaimFactory.create(article=article, start=n * 10, end=n * 10 + 5) for n in range(3)
    )
    rating_submit(claim=rated, reviewer=reviewer, verdict="true", rationale="Yes.")
    published.status = "published"
    published.save()
    html = dashboard(client_)
    assert "Trees &lt;b&gt;and&lt;/b&gt; parks" in html
    assert "1 / 3" in html  # claims rated
    assert "2 / 4" in html  # sources fetched
    assert "1 claim" in html  # published
    assert "1 needs a URL" in html
    assert "1 broken" in html


def test_my_queue_lists_claims_assigned_to_me_that_i_have_not_rated(
    client_: Client, reviewer, editor
):
    mine, done, other = ClaimFactory.create_batch(3)
    claim_assign(claim=mine, reviewers=[reviewer], assigned_by=editor)
    claim_assign(claim=done, reviewers=[reviewer], assigned_by=editor)
    rating_submit(claim=done, reviewer=reviewer, verdict="true", rationale="Yes.")
    html = dashboard(client_)
    queue = html[html.index('id="queue-heading"') : html.index('id="activity-heading"')]
    assert "Assigned to you, not rated yet." in queue
    assert f"/claims/{mine.pk}/" in queue
    assert f"/claims/{done.pk}/" not in queue
    assert f"/claims/{other.pk}/" not in queue


def test_without_assignments_the_queue_offers_claims_i_have_not_rated(client_: Client, reviewer):
    waiting = ClaimFactory.create()
    rated = ClaimFactory.create()
    rating_submit(claim=rated, reviewer=reviewer, verdict="true", rationale="Yes.")
    html = dashboard(client_)
    queue = html[html.index('id="queue-heading"') : html.index('id="activity-heading"')]
    assert "These claims wait for your rating" in queue
    assert f"/claims/{waiting.pk}/" in queue
    assert f"/claims/{rated.pk}/" not in queue


def test_recent_activity_says_who_did_what_on_which_claim(
    client_: Client, sample_article, reviewer, second_reviewer
):
    claim = claim_create(
        article=sample_article, created_by=reviewer, quote="a third of the saplings died"
    )
    evidence_create(claim=claim, author=second_reviewer, stance="refutes", excerpt="No.")
    rating_submit(claim=claim, reviewer=second_reviewer, verdict="false", rationale="No.")
    html = dashboard(client_)
    activity = html[html.index('id="activity-heading"') :]
    assert (
        activity.index("rated")
        < activity.index("added evidence (Refutes)")
        < activity.index("marked a claim")
    )
    assert "“a third of the saplings died”" in activity


def test_an_empty_dashboard_invites_an_import(client_: Client):
    html = dashboard(client_)
    assert "No articles yet." in html
    assert 'href="/articles/import/"' in html


def test_the_dashboard_costs_the_same_queries_for_many_articles(
    client_: Client, django_assert_max_num_queries, reviewer
):
    ArticleFactory.create()
    with django_assert_max_num_queries(15) as queries:
        dashboard(client_)
    for article in ArticleFactory.create_batch(20):
        claim = ClaimFactory.create(article=article)
        rating_submit(claim=claim, reviewer=reviewer, verdict="true", rationale="Yes.")
    with django_assert_max_num_queries(len(queries)):
        dashboard(client_)
