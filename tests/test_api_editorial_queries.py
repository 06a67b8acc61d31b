"""The editorial endpoints run a fixed number of SQL queries whatever the data size.

Each is measured on a small and a large dataset (3 vs 30 claims in a published article,
each rated, assigned to the caller, commented on, moved through the workflow and half of
them published); the counts must be equal, and are pinned so that a new query shows up.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import User
from claims.models import ArticleStatus, Verdict
from editorial.services.assignments import claim_assign
from editorial.services.comments import comment_create
from editorial.services.ratings import rating_submit
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
    "report": 8,
    "report csv": 8,
    "claimreview": 4,
    "article claimreview": 4,
    "anonymous article claimreview": 2,
    "anonymous claimreview": 2,
}


@dataclass
class Dataset:
    article_id: int
    claim_id: int
    published_id: int


def build(size: int, caller: User, editor: User) -> Dataset:
    article = ArticleFactory.create(status=ArticleStatus.PUBLISHED)
    raters = UserFactory.create_batch(size, roles=["reviewer"])
    claims = []
    for offset in range(size):
        claim = ClaimFactory.create(article=article, start=offset, end=offset + 5)
        for rater in raters:
            rating_submit(claim=claim, reviewer=rater, verdict=Verdict.TRUE, rationale="Yes.")
        claim_assign(claim=claim, reviewers=[caller, *raters[:2]], assigned_by=editor)
        for author in raters:
            comment_create(claim=claim, author=author, body="Seen.")
        if offset % 2 == 0:
            publish(claim, editor, Verdict.TRUE)
        claims.append(claim)
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


@pytest.fixture
def token(reviewer) -> Token:
    return Token.objects.create(user=reviewer)


def test_every_editorial_list_runs_as_many_queries_for_30_rows_as_for_3(
    reviewer, editor, token: Token
) -> None:
    small = measure(build(SMALL, reviewer, editor), token)

    large = measure(build(LARGE, reviewer, editor), token)

    assert large == small


def test_editorial_query_counts_are_pinned(reviewer, editor, token: Token) -> None:
    measured = measure(build(LARGE, reviewer, editor), token)

    assert measured == PINS
