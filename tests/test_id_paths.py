"""Every URL takes its row ids through the one ``<id:...>`` converter: up to 18 digits."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from tests.factories import ClaimFactory

pytestmark = pytest.mark.django_db

TOO_LONG = "1" * 19  # a bigint holds 18 digits safely; 19 could overflow the database


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/claims/{}/",
        "/api/v1/claims/{}/evidence/",
        "/api/v1/claims/{}/my-rating/",
        "/api/v1/claims/{}/transitions/",
        "/api/v1/claims/1/assignments/{}/",
        "/api/v1/articles/{}/report/",
        "/claims/{}/",
        "/articles/{}/",
        "/fact-checks/{}/",
    ],
)
def test_an_id_of_nineteen_digits_matches_no_url(path: str) -> None:
    with pytest.raises(Resolver404):
        resolve(path.format(TOO_LONG))
    assert resolve(path.format("1" * 18)).kwargs  # 18 digits still reach the view


def test_views_receive_ids_as_numbers() -> None:
    match = resolve("/api/v1/claims/42/evidence/7/")

    assert match.kwargs == {"claim_id": 42, "pk": 7}
    assert resolve("/claims/42/").kwargs == {"claim_id": 42}
    assert reverse("fact-check", args=[42]) == "/fact-checks/42/"


def test_an_api_id_of_nineteen_digits_is_a_json_404(editor_api) -> None:
    response = editor_api.get(f"/api/v1/claims/{TOO_LONG}/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


def test_the_api_still_answers_the_json_suffix_of_its_router_urls(api) -> None:
    claim = ClaimFactory.create()

    response = api.get("/api/v1/claims.json")

    assert response.status_code == 200
    assert claim.pk not in [row["id"] for row in response.json()["results"]]  # not public


def test_a_web_page_with_a_nineteen_digit_id_is_a_404(client: Client, reviewer) -> None:
    client.force_login(reviewer)

    assert client.get(f"/claims/{TOO_LONG}/").status_code == 404
