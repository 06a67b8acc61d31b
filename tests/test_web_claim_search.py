"""Searching and filtering claims: words, verdict, status, kind, assignments, my ratings."""

from __future__ import annotations

import pytest
from django.test import Client

from claims.models import Claim
from claims.services.claims import claim_create
from editorial.services.assignments import claim_assign
from editorial.services.ratings import rating_submit
from tests.factories import ClaimFactory
from tests.workflow import rate

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_(client: Client, reviewer) -> Client:
    client.force_login(reviewer)
    return client


@pytest.fixture
def claims(sample_article, reviewer) -> dict[str, Claim]:
    def make(quote: str, kind: str = "factual") -> Claim:
        return claim_create(article=sample_article, created_by=reviewer, quote=quote, kind=kind)

    return {
        "forecast": make(
            "If the survival rate holds, Riverside will reach 30 percent canopy by 2035.", "quote"
        ),
        "saplings": make("a third of the saplings died in the first summer"),
        "opinion": make("the best thing the city has done for its neighbourhoods", "opinion"),
    }


def found(client: Client, query: str) -> set[int]:
    response = client.get(f"/claims/?{query}")
    assert response.status_code == 200
    html = response.content.decode()
    return {claim.pk for claim in Claim.objects.all() if f'href="/claims/{claim.pk}/"' in html}


def ids(claims: dict[str, Claim], *names: str) -> set[int]:
    return {claims[name].pk for name in names}


def test_without_filters_every_claim_is_listed(client_: Client, claims):
    assert found(client_, "") == ids(claims, "forecast", "saplings", "opinion")


def test_words_match_the_claim_or_its_articles_title(client_: Client, claims):
    assert found(client_, "q=canopy+survival") == ids(claims, "forecast")
    assert found(client_, "q=pledge") == ids(claims, "forecast", "saplings", "opinion")


def test_filter_by_kind_and_status(client_: Client, claims):
    assert found(client_, "kind=opinion") == ids(claims, "opinion")
    Claim.objects.filter(pk=claims["saplings"].pk).update(status="in_review")
    assert found(client_, "status=in_review") == ids(claims, "saplings")


@pytest.mark.usefixtures("every_rating_shown")
def test_filter_by_verdict_agreed_or_published(client_: Client, claims):
    rate(claims["saplings"], "false", "false")
    rate(claims["opinion"], "false", "true")  # disputed: no verdict
    assert found(client_, "verdict=false") == ids(claims, "saplings")


def test_filter_claims_assigned_to_me_or_not_rated_by_me(client_: Client, claims, reviewer, editor):
    claim_assign(claim=claims["opinion"], reviewers=[reviewer], assigned_by=editor)
    rating_submit(claim=claims["saplings"], reviewer=reviewer, verdict="true", rationale="Yes.")
    assert found(client_, "assigned=on") == ids(claims, "opinion")
    assert found(client_, "unrated=on") == ids(claims, "forecast", "opinion")


def test_filter_by_article(client_: Client, claims, sample_article):
    assert found(client_, f"article={sample_article.pk}") == ids(
        claims, "forecast", "saplings", "opinion"
    )
    response = client_.get("/claims/?article=987654")
    assert "Select a valid choice" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "verdict=bogus",
        "status=<script>",
        "kind=1",
        "article=abc",
        "article=99999999999999999999999",
        "page=-1",
        "page=x",
    ],
)
def test_bad_filters_never_crash(client_: Client, claims, query: str):
    assert client_.get(f"/claims/?{query}").status_code == 200


def test_the_list_costs_the_same_queries_for_many_claims(
    client_: Client, claims, django_assert_max_num_queries
):
    with django_assert_max_num_queries(10) as queries:
        client_.get("/claims/")
    with django_assert_max_num_queries(11) as searched:  # and the page's highlights
        client_.get("/claims/?q=city")
    for claim in ClaimFactory.create_batch(40):
        rate(claim, "true", "true")
    with django_assert_max_num_queries(len(queries)):
        client_.get("/claims/")
    with django_assert_max_num_queries(len(searched)):
        client_.get("/claims/?q=city")


def test_claims_can_be_filtered_by_who_is_assigned(client_, claims, editor, second_reviewer):
    claim_assign(claim=claims["saplings"], reviewers=[second_reviewer], assigned_by=editor)
    assert found(client_, f"assignee={second_reviewer.username}") == {claims["saplings"].pk}
    assert found(client_, "assignee=") == {claim.pk for claim in claims.values()}
    response = client_.get("/claims/?assignee=nobody-like-this")
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
