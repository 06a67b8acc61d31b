"""A change to a caller's account, role or token takes effect on their very next request."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import User
from claims.models import Article, Verdict
from claims.services.claims import claim_create
from editorial.services.ratings import rating_submit
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/claims/?page_size=100"


def token_client(user: User) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0]}")
    return client


@pytest.fixture
def ana() -> User:
    return UserFactory.create(roles=["reviewer"])


@pytest.fixture
def article(ana: User) -> Article:
    article = ArticleFactory.create(imported_by=ana)
    first = claim_create(article=article, created_by=ana, quote="planted 4,000 trees")
    claim_create(article=article, created_by=ana, quote="Critics say")
    rating_submit(claim=first, reviewer=ana, verdict=Verdict.TRUE, rationale="Seen.")
    return article


def listed(client: APIClient) -> Any:
    response = client.get(LIST)
    assert response.status_code == 200, response.content
    return response


def test_a_reviewer_who_loses_the_role_sees_only_published_claims_at_once(ana, article) -> None:
    client = token_client(ana)
    assert len(listed(client).json()["results"]) == 2

    ana.groups.remove(Group.objects.get(name="reviewer"))

    assert listed(client).json()["results"] == []


def test_a_revoked_token_is_refused_at_once(ana, article) -> None:
    client = token_client(ana)
    listed(client)

    Token.objects.filter(user=ana).delete()

    assert client.get(LIST).status_code == 401


def test_a_deactivated_user_is_refused_at_once(ana, article) -> None:
    client = token_client(ana)
    listed(client)

    User.objects.filter(pk=ana.pk).update(is_active=False)

    assert client.get(LIST).status_code == 401


def test_a_wrong_token_is_refused_every_time(article) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)

    assert [client.get(LIST).status_code for _ in range(2)] == [401, 401]
