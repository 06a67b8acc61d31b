"""Clients that poll the claims list or a claim send its ETag back and get an empty 304
while nothing they would see has changed, and the new content as soon as it has."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils.cache import cc_delim_re
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import User
from claims.models import Article, ArticleStatus, Claim, Verdict
from claims.services.claims import claim_create
from editorial.services.ratings import rating_submit
from tests.factories import ArticleFactory, UserFactory
from tests.workflow import publish

pytestmark = pytest.mark.django_db

LIST = "/api/v1/claims/?page_size=100"


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


@pytest.fixture
def claim(article: Article) -> Claim:
    return article.claims.get(quote="planted 4,000 trees")


def detail(claim: Claim) -> str:
    return f"/api/v1/claims/{claim.pk}/"


def fetched(client: APIClient, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response


def revalidated(client: APIClient, url: str, etag: str) -> Any:
    return client.get(url, HTTP_IF_NONE_MATCH=etag)


def header_values(response: Any, name: str) -> set[str]:
    return {value.strip().lower() for value in cc_delim_re.split(response.get(name, ""))}


@pytest.mark.parametrize("which", ["list", "detail"])
def test_the_same_content_gets_a_304_with_an_empty_body(people, claim, which: str) -> None:
    url = LIST if which == "list" else detail(claim)
    ana = token_client(people["ana"])
    first = fetched(ana, url)
    etag = first["ETag"]

    again = revalidated(ana, url, etag)

    assert etag.startswith('"')  # strong (not W/"..."): a hash of the bytes
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag


@pytest.mark.parametrize("which", ["list", "detail"])
def test_the_response_says_it_depends_on_the_caller(people, claim, which: str) -> None:
    url = LIST if which == "list" else detail(claim)
    ana = token_client(people["ana"])
    first = fetched(ana, url)
    not_modified = revalidated(ana, url, first["ETag"])

    for response in (first, not_modified):
        assert {"authorization", "cookie"} <= header_values(response, "Vary")
        assert {"private", "no-cache"} <= header_values(response, "Cache-Control")


def _rate(people: dict[str, User], claim: Claim) -> Any:
    return token_client(people["ben"]).put(
        f"/api/v1/claims/{claim.pk}/my-rating/", {"verdict": "false", "rationale": "No."}, "json"
    )


def _change_kind(people: dict[str, User], claim: Claim) -> Any:
    return token_client(people["ana"]).patch(detail(claim), {"kind": "opinion"}, "json")


def _add_evidence(people: dict[str, User], claim: Claim) -> Any:
    return token_client(people["ben"]).post(
        f"/api/v1/claims/{claim.pk}/evidence/",
        {"excerpt": "4,000 trees", "stance": "supports"},
        "json",
    )


def _mark_ready(people: dict[str, User], claim: Claim) -> Any:
    # Its first rating started the review: an editor marks it ready.
    return token_client(people["eve"]).post(
        f"/api/v1/claims/{claim.pk}/transition/", {"to": "ready"}, "json"
    )


@pytest.mark.parametrize("which", ["list", "detail"])
@pytest.mark.parametrize("change", [_rate, _change_kind, _add_evidence, _mark_ready])
def test_after_a_change_the_old_etag_gets_the_new_content(
    people, claim, which: str, change: Any
) -> None:
    url = LIST if which == "list" else detail(claim)
    ana = token_client(people["ana"])
    before = fetched(ana, url)

    assert change(people, claim).status_code < 300

    after = revalidated(ana, url, before["ETag"])
    assert after.status_code == 200
    assert after.content != before.content
    assert after["ETag"] != before["ETag"]
    assert revalidated(ana, url, after["ETag"]).status_code == 304


def test_a_change_made_outside_the_api_shows_too(people, claim) -> None:
    ana = token_client(people["ana"])
    before = fetched(ana, LIST)

    publish(claim, people["eve"], Verdict.MOSTLY_TRUE)

    after = revalidated(ana, LIST, before["ETag"])
    assert after.status_code == 200
    row = next(c for c in after.json()["results"] if c["id"] == claim.pk)
    assert row["published_verdict"] == "mostly_true"


@pytest.mark.parametrize("which", ["list", "detail"])
def test_each_caller_gets_their_own_etag(people, claim, which: str) -> None:
    url = LIST if which == "list" else detail(claim)
    ana, ben = token_client(people["ana"]), token_client(people["ben"])
    anas = fetched(ana, url)  # shows ana's own rating
    bens = fetched(ben, url)

    assert anas["ETag"] != bens["ETag"]
    assert revalidated(ben, url, anas["ETag"]).status_code == 200
    assert revalidated(ben, url, bens["ETag"]).status_code == 304


def test_the_public_never_gets_a_304_for_what_reviewers_see(people, article, claim) -> None:
    publish(claim, people["eve"], Verdict.TRUE)
    Article.objects.update(status=ArticleStatus.PUBLISHED)
    reviewers = fetched(token_client(people["ana"]), LIST)

    public = revalidated(APIClient(), LIST, reviewers["ETag"])

    assert public.status_code == 200
    assert [c["id"] for c in public.json()["results"]] == [claim.pk]
    assert revalidated(APIClient(), LIST, public["ETag"]).status_code == 304


def test_another_page_or_filter_has_another_etag(people, article) -> None:
    ana = token_client(people["ana"])
    whole = fetched(ana, LIST)

    first_page = revalidated(ana, "/api/v1/claims/?page_size=1", whole["ETag"])

    assert first_page.status_code == 200
    assert len(first_page.json()["results"]) == 1


def test_errors_carry_no_etag(people, article) -> None:
    response = token_client(people["ana"]).get("/api/v1/claims/?verdict=nonsense")

    assert response.status_code == 400
    assert not response.has_header("ETag")
