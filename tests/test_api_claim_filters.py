"""GET /api/v1/claims/ narrowed by consensus, status, article, assignment and queue;
bad values are a 400 that says why, and the public sees only public claims."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from claims.models import ArticleStatus, Claim, ClaimStatus, Verdict
from editorial.services.assignments import claim_assign
from editorial.services.ratings import rating_submit
from tests.factories import ArticleFactory, ClaimFactory
from tests.workflow import publish, rate

pytestmark = pytest.mark.django_db
CLAIMS = "/api/v1/claims/"


@pytest.fixture
def world(editor, reviewer) -> dict[str, Claim]:
    article = ArticleFactory.create()
    other = ArticleFactory.create(status=ArticleStatus.PUBLISHED)

    def claim(start: int, **fields) -> Claim:  # type: ignore[no-untyped-def]
        return ClaimFactory.create(article=article, start=start, end=start + 5, **fields)

    unrated = claim(0)
    disputed = claim(6)
    rate(disputed, Verdict.TRUE, Verdict.FALSE)
    agreed = claim(12)
    rate(agreed, Verdict.FALSE, Verdict.FALSE)
    ready = claim(18, status=ClaimStatus.READY)
    claim_assign(claim=ready, reviewers=[reviewer], assigned_by=editor)
    public = ClaimFactory.create(article=other)
    rate(public, Verdict.FALSE, Verdict.FALSE)
    publish(public, editor, Verdict.FALSE)
    stale = claim(24)
    Claim.objects.filter(pk=stale.pk).update(updated_at=timezone.now() - timedelta(days=30))
    return {
        "unrated": unrated,
        "disputed": disputed,
        "agreed": agreed,
        "ready": ready,
        "public": public,
        "stale": stale,
    }


def ids(client, query: str) -> set[int]:  # type: ignore[no-untyped-def]
    response = client.get(f"{CLAIMS}?{query}&page_size=100")
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def names(world: dict[str, Claim], *keys: str) -> set[int]:
    return {world[key].pk for key in keys}


def test_filter_by_consensus_state(editor_api, world) -> None:
    assert ids(editor_api, "consensus=disputed") == names(world, "disputed")
    assert ids(editor_api, "consensus=consensus") == names(world, "agreed", "public")
    assert ids(editor_api, "consensus=needs_ratings") == names(world, "unrated", "ready", "stale")


def test_consensus_filters_do_not_tell_a_reviewer_what_independent_ratings_hide(
    reviewer, reviewer_api, world
) -> None:
    # The reviewer has rated none of them: only the published claim's consensus is theirs
    # to know; needing ratings is a count of ratings, which everyone sees.
    assert ids(reviewer_api, "consensus=disputed") == set()
    assert ids(reviewer_api, "queue=disputed") == set()
    assert ids(reviewer_api, "consensus=consensus") == names(world, "public")
    assert ids(reviewer_api, "consensus=needs_ratings") == names(world, "unrated", "ready", "stale")
    rating_submit(
        claim=world["disputed"], reviewer=reviewer, verdict=Verdict.MIXED, rationale="Checked."
    )
    assert ids(reviewer_api, "consensus=disputed") == names(world, "disputed")
    assert ids(reviewer_api, "queue=disputed") == names(world, "disputed")


def test_filter_by_status_and_article(reviewer_api, world) -> None:
    assert ids(reviewer_api, "status=ready") == names(world, "ready")
    # The first rating started the review of the rated claims.
    assert ids(reviewer_api, "status=in_review") == names(world, "disputed", "agreed")
    article = world["ready"].article_id
    assert ids(reviewer_api, f"article={article}") == names(
        world, "unrated", "disputed", "agreed", "ready", "stale"
    )
    assert ids(reviewer_api, f"article={article}&status=open") == names(world, "unrated", "stale")


def test_filter_claims_assigned_to_nobody(reviewer_api, world) -> None:
    assert ids(reviewer_api, "assigned=none") == set(names(world, *world)) - names(world, "ready")


def test_filter_by_queue(reviewer_api, editor_api, world) -> None:
    assert ids(reviewer_api, "queue=ready") == names(world, "ready")
    assert ids(editor_api, "queue=disputed") == names(world, "disputed")
    # A ready claim waits in "ready", whatever its ratings.
    assert ids(reviewer_api, "queue=needs_ratings") == names(world, "unrated", "stale")
    assert ids(reviewer_api, "queue=stale") == names(world, "stale")
    assert ids(reviewer_api, "queue=needs_ratings&assigned=none") == names(
        world, "unrated", "stale"
    )


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("consensus=agreed", "consensus"),
        ("status=done", "status"),
        ("article=abc", "article"),
        ("article=99999999999999999999999", "article"),
        ("assigned=someone", "assigned"),
        ("assigned=", None),
        ("queue=corrections", "queue"),
        ("queue=<script>", "queue"),
    ],
)
def test_bad_filter_values_are_400_with_a_message(reviewer_api, world, query, field) -> None:
    response = reviewer_api.get(f"{CLAIMS}?{query}")
    if field is None:  # an empty value is no filter
        assert response.status_code == 200
        return
    assert response.status_code == 400
    body = response.json()
    assert field in body["errors"]
    assert body["errors"][field][0]


def test_a_bad_queue_names_the_queues_there_are(reviewer_api) -> None:
    response = reviewer_api.get(f"{CLAIMS}?queue=corrections")
    assert response.json()["errors"]["queue"] == [
        "corrections is not one of: ready, disputed, needs_ratings, stale, correction_requested, "
        "source_changed."
    ]
    response = reviewer_api.get(f"{CLAIMS}?consensus=agreed&assigned=me")
    assert response.json()["errors"] == {
        "consensus": ["agreed is not one of: needs_ratings, disputed, consensus."],
        "assigned": ["me is not one of: none."],
    }


def test_the_public_sees_only_public_claims_in_any_queue_or_filter(api, world) -> None:
    for query in (
        "queue=ready",
        "queue=disputed",
        "queue=needs_ratings",
        "queue=stale",
        "consensus=disputed",
        "status=ready",
    ):
        assert ids(api, query) == set(), query
    assert ids(api, "assigned=none") == names(world, "public")
    assert ids(api, "consensus=consensus&assigned=none") == names(world, "public")


def test_filtered_lists_cost_the_same_queries_for_many_claims(
    reviewer_api, world, django_assert_max_num_queries
) -> None:
    query = "queue=needs_ratings&assigned=none&consensus=needs_ratings"
    with django_assert_max_num_queries(10) as queries:
        ids(reviewer_api, query)
    for claim in ClaimFactory.create_batch(15):
        rate(claim, Verdict.TRUE)
    with django_assert_max_num_queries(len(queries)):
        assert len(ids(reviewer_api, query)) == 17
