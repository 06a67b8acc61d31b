"""Every list and detail of the REST API runs a fixed number of SQL queries, whatever the data.

Each endpoint is measured on a small and on a large dataset (3 vs 40 articles, claims and
sources, and as many snapshots, ratings and evidence on the first source and claim); the
counts must be equal, and are pinned so that a new query shows up here. The datasets are
built once for the module.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import User
from claims.models import ArticleStatus, ClaimStatus, SourceStatus, Verdict
from tests.conftest import clear_caches
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    EvidenceFactory,
    RatingFactory,
    SnapshotFactory,
    SourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SMALL, LARGE = 3, 40

# Measured: token + user (1), the caller's groups (1), then the view's own queries.
# Lists: count (1), rows (1), and one per prefetch. Anonymous callers skip the first two.
PINS = {
    "articles": 4,
    "articles?status&search": 5,  # + the query read in each language (PostgreSQL)
    "article": 5,  # + the article's alpha
    "sources": 5,
    "sources?article&status": 5,
    "source": 4,
    "claims": 6,
    "claims?article&verdict&needs_my_rating": 6,
    "claims?search": 8,  # + the query read in each language (PostgreSQL), the page's ids
    "claim": 8,  # + its appearances, the claims linked to it
    "evidence": 6,
    "evidence item": 5,
    "ratings": 5,
    "my-rating": 4,
    "anonymous articles": 2,
    "anonymous article": 3,
    "anonymous claims": 4,
    "anonymous claim": 6,
}


@dataclass
class Dataset:
    article_id: int
    source_id: int
    claim_id: int
    evidence_id: int


def build(size: int, caller: User) -> Dataset:
    """``size`` published articles; in the first, ``size`` sources and ``size`` published
    claims. Each source has 2 snapshots and each claim 2 sources, 3 ratings and 2 pieces of
    evidence, except the first of each, which has ``size``."""
    reviewers = [caller, *UserFactory.create_batch(size - 1, roles=["reviewer"])]
    article, *_ = ArticleFactory.create_batch(size, status=ArticleStatus.PUBLISHED, title="Trees")
    sources = []
    now = timezone.now()
    for position in range(1, size + 1):
        source = SourceFactory.create(article=article, position=position, status=SourceStatus.OK)
        for age in range(size if position == 1 else 2):
            SnapshotFactory.create(source=source, fetched_at=now - timedelta(hours=age))
        sources.append(source)
    claims = []
    for offset in range(size):
        claim = ClaimFactory.create(
            article=article, start=offset, end=offset + 5, status=ClaimStatus.PUBLISHED
        )
        claim.sources.set(sources[:2])
        for reviewer in reviewers if offset == 0 else reviewers[:3]:
            RatingFactory.create(claim=claim, reviewer=reviewer, verdict=Verdict.TRUE)
        EvidenceFactory.create_batch(
            size if offset == 0 else 2, claim=claim, status=SourceStatus.PENDING
        )
        claims.append(claim)
    evidence = claims[0].evidence.first()
    assert evidence is not None
    return Dataset(
        article_id=article.pk,
        source_id=sources[0].pk,
        claim_id=claims[0].pk,
        evidence_id=evidence.pk,
    )


def endpoints(data: Dataset) -> dict[str, tuple[bool, str]]:
    """name: (anonymous?, url)."""
    claim = f"/api/v1/claims/{data.claim_id}"
    return {
        "articles": (False, "/api/v1/articles/"),
        "articles?status&search": (False, "/api/v1/articles/?status=published&search=trees"),
        "article": (False, f"/api/v1/articles/{data.article_id}/"),
        "sources": (False, "/api/v1/sources/"),
        "sources?article&status": (False, f"/api/v1/sources/?article={data.article_id}&status=ok"),
        "source": (False, f"/api/v1/sources/{data.source_id}/"),
        "claims": (False, "/api/v1/claims/"),
        "claims?article&verdict&needs_my_rating": (
            False,
            f"/api/v1/claims/?article={data.article_id}&verdict=true&needs_my_rating=false",
        ),
        "claims?search": (False, "/api/v1/claims/?search=city+or+trees"),
        "claim": (False, f"{claim}/"),
        "evidence": (False, f"{claim}/evidence/"),
        "evidence item": (False, f"{claim}/evidence/{data.evidence_id}/"),
        "ratings": (False, f"{claim}/ratings/"),
        "my-rating": (False, f"{claim}/my-rating/"),
        "anonymous articles": (True, "/api/v1/articles/"),
        "anonymous article": (True, f"/api/v1/articles/{data.article_id}/"),
        "anonymous claims": (True, "/api/v1/claims/"),
        "anonymous claim": (True, f"{claim}/"),
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
    token: Token  # the caller's: a reviewer who rated the claims


@pytest.fixture(scope="module")
def measured(django_db_setup: None, django_db_blocker) -> Iterator[Measured]:
    """The small dataset's counts, then the large dataset, built once for the module in a
    transaction that each test nests in and that is rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        caller = UserFactory.create(roles=["reviewer"])
        token = Token.objects.create(user=caller)
        small = build(SMALL, caller)
        clear_caches()
        small_counts = measure(small, token)
        yield Measured(small=small_counts, large=build(LARGE, caller), token=token)
        transaction.set_rollback(True)


def test_every_list_and_detail_runs_as_many_queries_for_40_rows_as_for_3(
    measured: Measured,
) -> None:
    large = measure(measured.large, measured.token)

    assert large == measured.small


def test_query_counts_are_pinned(measured: Measured, django_assert_max_num_queries) -> None:
    for name, (anonymous, url) in endpoints(measured.large).items():
        with django_assert_max_num_queries(PINS[name]):
            count_queries(url, None if anonymous else measured.token)
