"""The editorial endpoints run a fixed number of SQL queries whatever the data size.

Each is measured on a small and a large dataset (3 vs 30 claims in a published article,
each rated, assigned to the caller, commented on, moved through the workflow and half of
them published); the counts must be equal, and are pinned so that a new query shows up.
The datasets are built once for the module, the ratings and comments in bulk.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from simple_history.utils import bulk_create_with_history

from accounts.models import User
from claims.models import ArticleStatus, Rating, Verdict
from editorial.models import Comment
from editorial.services.assignments import claim_assign
from editorial.services.consensus import consensus_refresh
from tests.conftest import clear_caches
from tests.factories import ArticleFactory, ClaimFactory, UserFactory
from tests.workflow import publish

pytestmark = pytest.mark.django_db

SMALL, LARGE = 3, 30

# Signed in: token + user (1) and the caller's groups (1), then the view's own queries.
PINS = {
    "claims": 6,
    "article": 5,
    "queue": 6,
    "reviewers": 4,
    "comments": 5,
    "assignments": 4,  # not paginated: no count query
    "transitions": 5,
    "report": 9,  # + the claims linked as the same claim
    "report csv": 9,
    # The ClaimReviews read their claims' appearances (1).
    "claimreview": 7,  # + the sources' and the evidence's links (citation)
    "article claimreview": 7,
    "anonymous article claimreview": 5,
    "anonymous claimreview": 5,
}


@dataclass
class Dataset:
    article_id: int
    claim_id: int
    published_id: int


def build(size: int, caller: User, editor: User) -> Dataset:
    """``size`` claims, each rated and commented on by ``size`` reviewers."""
    article = ArticleFactory.create(status=ArticleStatus.PUBLISHED)
    raters = UserFactory.create_batch(size, roles=["reviewer"])
    claims = [
        ClaimFactory.create(article=article, start=offset, end=offset + 5) for offset in range(size)
    ]
    # The rows rating_submit and comment_create would write, without their checks per row.
    bulk_create_with_history(
        [
            Rating(claim=claim, reviewer=rater, verdict=Verdict.TRUE, rationale="Yes.")
            for claim in claims
            for rater in raters
        ],
        Rating,
    )
    Comment.objects.bulk_create(
        [Comment(claim=claim, author=author, body="Seen.") for claim in claims for author in raters]
    )
    for offset, claim in enumerate(claims):
        consensus_refresh(claim=claim)
        claim_assign(claim=claim, reviewers=[caller, *raters[:2]], assigned_by=editor)
        if offset % 2 == 0:
            publish(claim, editor, Verdict.TRUE)
    unpublished = next(c for c in claims if c.status != "published")
    published = next(c for c in claims if c.status == "published")
    return Dataset(article.pk, unpublished.pk, published.pk)


def endpoints(data: Dataset) -> dict[str, tuple[bool, str]]:
    """name: (anonymous?, url)."""
    article = f"/api/v1/articles/{data.article_id}"
    return {
        "claims": (False, "/api/v1/claims/"),
        "article": (False, f"{article}/"),
        "queue": (False, "/api/v1/me/queue/"),
        "reviewers": (False, "/api/v1/reviewers/"),
        "comments": (False, f"/api/v1/claims/{data.claim_id}/comments/"),
        "assignments": (False, f"/api/v1/claims/{data.claim_id}/assignments/"),
        "transitions": (False, f"/api/v1/claims/{data.published_id}/transitions/"),
        "report": (False, f"{article}/report/"),
        "report csv": (False, f"{article}/report/?format=csv"),
        "claimreview": (False, f"/api/v1/claims/{data.published_id}/claimreview/"),
        "article claimreview": (False, f"{article}/claimreview/"),
        "anonymous article claimreview": (True, f"{article}/claimreview/"),
        "anonymous claimreview": (True, f"/api/v1/claims/{data.published_id}/claimreview/"),
    }


def count_queries(url: str, token: Token | None) -> int:
    client = APIClient()
    if token is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.content)
    return len(queries.captured_queries)


def measure(data: Dataset, token: Token) -> dict[str, int]:
    return {
        name: count_queries(url, None if anonymous else token)
        for name, (anonymous, url) in endpoints(data).items()
    }


@dataclass
class Measured:
    small: dict[str, int]  # measured before the large dataset existed
    large: Dataset
    token: Token  # the caller's, a reviewer assigned to every claim


@pytest.fixture(scope="module")
def measured(django_db_setup: None, django_db_blocker) -> Iterator[Measured]:
    """The small dataset's counts, then the large dataset, built once for the module in a
    transaction that each test nests in and that is rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        caller = UserFactory.create(roles=["reviewer"])
        editor = UserFactory.create(roles=["editor"])
        token = Token.objects.create(user=caller)
        small = build(SMALL, caller, editor)
        clear_caches()
        small_counts = measure(small, token)
        yield Measured(small=small_counts, large=build(LARGE, caller, editor), token=token)
        transaction.set_rollback(True)


def test_every_editorial_list_runs_as_many_queries_for_30_rows_as_for_3(
    measured: Measured,
) -> None:
    large = measure(measured.large, measured.token)

    assert large == measured.small


def test_editorial_query_counts_are_pinned(measured: Measured) -> None:
    assert measure(measured.large, measured.token) == PINS
