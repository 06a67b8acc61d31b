"""Signing in to the REST API: tokens and sessions."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import ClaimFactory

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
PASSWORD = "correct horse battery"  # tests.factories.UserFactory's


def test_a_username_and_password_get_a_token_that_signs_requests_in(api, reviewer) -> None:
    response = api.post(TOKEN, {"username": reviewer.username, "password": PASSWORD}, format="json")

    assert response.status_code == 200
    key = response.json()["token"]
    assert Token.objects.get(user=reviewer).key == key
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/sources/").status_code == 200
    assert client.get("/api/v1/claims/?needs_my_rating=true").status_code == 200


def test_asking_twice_returns_the_same_token(api, reviewer) -> None:
    credentials = {"username": reviewer.username, "password": PASSWORD}

    first = api.post(TOKEN, credentials, format="json").json()["token"]
    second = api.post(TOKEN, credentials, format="multipart").json()["token"]

    assert first == second


def test_a_wrong_password_gets_no_token(api, reviewer) -> None:
    response = api.post(TOKEN, {"username": reviewer.username, "password": "nope"}, format="json")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "Unable to log in" in response.json()["detail"]
    assert not Token.objects.exists()


def test_a_token_request_without_a_password_says_what_is_missing(api, reviewer) -> None:
    response = api.post(TOKEN, {"username": reviewer.username}, format="json")

    assert response.status_code == 400
    assert "password" in response.json()["errors"]


def test_an_unknown_token_is_a_401(api) -> None:
    api.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")

    response = api.get("/api/v1/claims/")

    assert response.status_code == 401
    assert response.json()["detail"] == "Invalid token."


def test_an_anonymous_401_tells_clients_how_to_authenticate(api) -> None:
    response = api.get("/api/v1/sources/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_a_browser_session_signs_requests_in(reviewer) -> None:
    client = APIClient()
    client.login(username=reviewer.username, password=PASSWORD)
    claim = ClaimFactory.create()

    response = client.get(f"/api/v1/claims/{claim.pk}/")

    assert response.status_code == 200


def test_a_session_write_without_a_csrf_token_is_refused(reviewer) -> None:
    client = APIClient(enforce_csrf_checks=True)
    client.login(username=reviewer.username, password=PASSWORD)
    claim = ClaimFactory.create()

    response = client.put(
        f"/api/v1/claims/{claim.pk}/my-rating/",
        {"verdict": "true", "rationale": "x"},
        format="json",
    )

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not claim.ratings.exists()
