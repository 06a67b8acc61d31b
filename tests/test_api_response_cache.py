"""The claims list is served from the cache while its data is unchanged, and never stale:
whoever asks, and whichever way the data changed.

These tests commit (``transaction=True``), as requests do: a request inside a transaction
is never served from the cache (its own writes may not be committed yet).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import User
from apicache import store
from claims.models import Article, ArticleStatus, Claim, ClaimKind, Verdict
from claims.services.claims import claim_create
from editorial.services.ratings import rating_submit
from tests.factories import ArticleFactory, UserFactory
from tests.workflow import publish

LIST = "/api/v1/claims/?page_size=100"

committing = pytest.mark.django_db(transaction=True)


def token_client(user: User) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0]}")
    return client


@pytest.fixture
def people() -> dict[str, User]:
    return {
        "ana": UserFactory.create(roles=["reviewer"]),
        "ben": UserFactory.create(roles=["reviewer"]),
        "eve": UserFactory.create(roles=["editor"]),
    }


@pytest.fixture
def article(people: dict[str, User]) -> Article:
    article = ArticleFactory.create(imported_by=people["ana"])
    first = claim_create(article=article, created_by=people["ana"], quote="planted 4,000 trees")
    claim_create(article=article, created_by=people["ben"], quote="Critics say")
    rating_submit(claim=first, reviewer=people["ana"], verdict=Verdict.TRUE, rationale="Seen.")
    return article


def listed(client: APIClient, url: str = LIST) -> Any:
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response


def uncached(client: APIClient, settings: Any, url: str = LIST) -> bytes:
    settings.API_CACHE_SECONDS = 0
    try:
        return bytes(listed(client, url).content)
    finally:
        settings.API_CACHE_SECONDS = 300


@committing
def test_a_repeated_list_comes_from_the_cache_at_the_cost_of_one_query(
    people, article, django_assert_num_queries
) -> None:
    ana = token_client(people["ana"])
    first = listed(ana)

    with django_assert_num_queries(1):  # the data version; the token's owner is cached too
        second = listed(ana)

    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"] == "application/json"
    assert len(second.json()["results"]) == 2


@committing
def test_the_cached_list_is_the_uncached_list_byte_for_byte(people, article, settings) -> None:
    ana = token_client(people["ana"])
    listed(ana)

    assert listed(ana).content == uncached(ana, settings)


def _rate(clients: dict[str, APIClient], claim: Claim) -> Any:
    return clients["ben"].put(
        f"/api/v1/claims/{claim.pk}/my-rating/", {"verdict": "false", "rationale": "No."}, "json"
    )


def _withdraw(clients: dict[str, APIClient], claim: Claim) -> Any:
    return clients["ana"].delete(f"/api/v1/claims/{claim.pk}/my-rating/")


def _add_evidence(clients: dict[str, APIClient], claim: Claim) -> Any:
    return clients["ben"].post(
        f"/api/v1/claims/{claim.pk}/evidence/",
        {"excerpt": "4,000 trees", "stance": "supports"},
        "json",
    )


def _change_kind(clients: dict[str, APIClient], claim: Claim) -> Any:
    return clients["ana"].patch(f"/api/v1/claims/{claim.pk}/", {"kind": "opinion"}, "json")


def _start_review(clients: dict[str, APIClient], claim: Claim) -> Any:
    return clients["eve"].post(
        f"/api/v1/claims/{claim.pk}/transition/", {"to": "in_review"}, "json"
    )


def _delete(clients: dict[str, APIClient], claim: Claim) -> Any:
    return clients["eve"].delete(f"/api/v1/claims/{claim.pk}/")


@committing
@pytest.mark.parametrize(
    "change", [_rate, _withdraw, _add_evidence, _change_kind, _start_review, _delete]
)
def test_a_change_through_the_api_shows_in_the_next_list(
    people, article, settings, change: Any
) -> None:
    clients = {name: token_client(user) for name, user in people.items()}
    claim = article.claims.get(quote="planted 4,000 trees")
    before = listed(clients["ana"]).content
    listed(clients["ana"])  # now cached

    response = change(clients, claim)

    assert response.status_code < 300, response.content
    after = listed(clients["ana"]).content
    assert after != before
    assert after == uncached(clients["ana"], settings)


@committing
def test_a_change_made_around_the_services_shows_in_the_next_list(people, article) -> None:
    ana = token_client(people["ana"])
    listed(ana)

    Claim.objects.update(kind=ClaimKind.OPINION)  # as a data fix in a shell would

    assert {claim["kind"] for claim in listed(ana).json()["results"]} == {"opinion"}


@committing
def test_a_publication_shows_in_the_next_list(people, article) -> None:
    ana = token_client(people["ana"])
    claim = article.claims.get(quote="planted 4,000 trees")
    listed(ana)

    publish(claim, people["eve"], Verdict.MOSTLY_TRUE)

    row = next(c for c in listed(ana).json()["results"] if c["id"] == claim.pk)
    assert row["published_verdict"] == "mostly_true"


@committing
def test_each_caller_sees_their_own_rating(people, article) -> None:
    ana, ben = token_client(people["ana"]), token_client(people["ben"])
    for _ in range(2):  # the second time from the cache
        mine = {c["quote"]: c["my_rating"] for c in listed(ana).json()["results"]}
        bens = {c["quote"]: c["my_rating"] for c in listed(ben).json()["results"]}

        assert mine == {"planted 4,000 trees": "true", "Critics say": None}
        assert bens == {"planted 4,000 trees": None, "Critics say": None}


@committing
def test_the_public_never_gets_a_reviewers_cached_list(people, article) -> None:
    claim = article.claims.get(quote="planted 4,000 trees")
    publish(claim, people["eve"], Verdict.TRUE)
    Article.objects.update(status=ArticleStatus.PUBLISHED)
    listed(token_client(people["ana"]))
    listed(token_client(people["ana"]))

    for _ in range(2):
        public = listed(APIClient()).json()["results"]
        assert [c["id"] for c in public] == [claim.pk]


@committing
def test_a_reviewer_who_loses_the_role_sees_only_published_claims_at_once(people, article) -> None:
    ana = token_client(people["ana"])
    assert len(listed(ana).json()["results"]) == 2
    listed(ana)

    people["ana"].groups.remove(Group.objects.get(name="reviewer"))

    assert listed(ana).json()["results"] == []


@committing
def test_a_revoked_token_is_refused_at_once(people, article) -> None:
    ana = token_client(people["ana"])
    listed(ana)
    listed(ana)

    Token.objects.filter(user=people["ana"]).delete()

    assert ana.get(LIST).status_code == 401


@committing
def test_a_deactivated_user_is_refused_at_once(people, article) -> None:
    ana = token_client(people["ana"])
    listed(ana)

    User.objects.filter(pk=people["ana"].pk).update(is_active=False)

    assert ana.get(LIST).status_code == 401


@committing
def test_a_wrong_token_is_refused_every_time(people, article) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)

    assert [client.get(LIST).status_code for _ in range(2)] == [401, 401]


@committing
def test_the_password_hash_stays_out_of_the_cache(people, article, monkeypatch) -> None:
    stored: dict[str, Any] = {}
    put = store.put
    monkeypatch.setattr(
        store, "put", lambda key, value: (stored.update({key: value}), put(key, value))
    )

    listed(token_client(people["ana"]))

    owners = [value for key, value in stored.items() if key.startswith("apicache:token:")]
    assert len(owners) == 1
    assert people["ana"].username in repr(owners[0])
    assert people["ana"].password not in repr(owners[0])


@committing
def test_different_queries_are_cached_apart(people, article) -> None:
    ana = token_client(people["ana"])
    sizes = [len(listed(ana, f"/api/v1/claims/?page_size={n}").json()["results"]) for n in (1, 2)]
    again = [len(listed(ana, f"/api/v1/claims/?page_size={n}").json()["results"]) for n in (1, 2)]

    assert sizes == again == [1, 2]


@committing
def test_errors_are_not_cached(people, article) -> None:
    ana = token_client(people["ana"])

    assert [ana.get("/api/v1/claims/?verdict=nonsense").status_code for _ in range(2)] == [400, 400]


@committing
def test_with_the_cache_off_every_list_is_built_afresh(
    people, article, settings, django_assert_num_queries
) -> None:
    settings.API_CACHE_SECONDS = 0
    ana = token_client(people["ana"])
    listed(ana)

    with django_assert_num_queries(6):  # token, roles, and the list's four queries
        listed(ana)


@pytest.mark.django_db
def test_a_request_inside_a_transaction_is_built_afresh(
    people, article, django_assert_num_queries
) -> None:
    ana = token_client(people["ana"])
    listed(ana)

    with django_assert_num_queries(6):
        listed(ana)
