"""Failed sign-ins are limited per account and per address, on every way to sign in."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"  # tests.factories.UserFactory's
ACCOUNT_LOCKED = "Too many failed sign-ins for this account; try again in"
ADDRESS_LOCKED = "Too many failed sign-ins from your network address; try again in"
EVEN_RIGHT = "Until then even the right password is refused."


@pytest.fixture
def low_limits(settings) -> None:
    settings.SIGNIN_MAX_FAILURES_PER_ACCOUNT = 3
    settings.SIGNIN_MAX_FAILURES_PER_ADDRESS = 5


def web_signin(client: Client, username: str, password: str, ip: str = "203.0.113.7") -> Any:
    return client.post("/signin/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def admin_signin(client: Client, username: str, password: str) -> Any:
    return client.post("/admin/login/?next=/admin/", {"username": username, "password": password})


def api_signin(client: APIClient, username: str, password: str) -> Any:
    return client.post(
        "/api/v1/auth/token/", {"username": username, "password": password}, format="json"
    )


def html(response: Any) -> str:
    return response.content.decode()


# --- The reviewers' sign-in page ----------------------------------------------------------


def test_after_ten_failures_the_account_is_locked_and_says_for_how_long(client, reviewer) -> None:
    failures = [web_signin(client, reviewer.username, "wrong").status_code for _ in range(10)]

    response = web_signin(client, reviewer.username, PASSWORD)

    assert failures == [200] * 10
    assert response.status_code == 429
    found = re.search(rf"{ACCOUNT_LOCKED} (\d+) minutes?\. {EVEN_RIGHT}", html(response))
    assert found is not None, html(response)
    # Ten failures per 15 minutes: they weigh in until this 15-minute window has passed.
    retry_after = int(response["Retry-After"])
    assert 0 < retry_after <= 15 * 60 + 1
    minutes = int(found[1])
    assert (minutes - 1) * 60 < retry_after <= minutes * 60 + 1  # the same wait, rounded up
    assert "_auth_user_id" not in client.session


def test_the_right_password_is_refused_while_the_account_is_locked(
    client, reviewer, low_limits
) -> None:
    for _ in range(3):
        web_signin(client, reviewer.username, "wrong")

    response = web_signin(client, reviewer.username, PASSWORD, ip="198.51.100.9")

    assert response.status_code == 429  # from another address too: the account is locked
    assert EVEN_RIGHT in html(response)
    assert client.get("/").status_code == 302  # still signed out


def test_a_locked_account_does_not_lock_out_other_accounts(client, reviewer, low_limits) -> None:
    other = UserFactory.create(roles=["reviewer"])
    for _ in range(3):
        web_signin(client, reviewer.username, "wrong")

    response = web_signin(client, other.username, PASSWORD)

    assert response.status_code == 302


def test_a_successful_sign_in_forgets_the_accounts_failures(client, reviewer, low_limits) -> None:
    for _ in range(2):
        web_signin(client, reviewer.username, "wrong")
    assert web_signin(client, reviewer.username, PASSWORD).status_code == 302
    client.post("/signout/")

    again = [web_signin(client, reviewer.username, "wrong").status_code for _ in range(4)]

    assert again == [200, 200, 200, 429]


def test_too_many_failures_from_one_address_lock_it_whatever_the_account(
    client, reviewer, low_limits
) -> None:
    for n in range(5):
        web_signin(client, f"nobody-{n}", "wrong")

    refused = web_signin(client, reviewer.username, PASSWORD)
    elsewhere = web_signin(client, reviewer.username, PASSWORD, ip="198.51.100.9")

    assert refused.status_code == 429
    assert ADDRESS_LOCKED in html(refused)
    assert elsewhere.status_code == 302


def test_a_wrong_password_below_the_limit_gets_the_usual_message(client, reviewer) -> None:
    response = web_signin(client, reviewer.username, "wrong")

    assert response.status_code == 200
    assert "Please enter a correct username and password" in html(response)
    assert "Too many" not in html(response)


# --- The admin's sign-in page -------------------------------------------------------------


def test_the_admin_sign_in_locks_an_account_after_its_failures(client, low_limits) -> None:
    admin = UserFactory.create(is_staff=True, is_superuser=True)
    failures = [admin_signin(client, admin.username, "wrong").status_code for _ in range(3)]

    response = admin_signin(client, admin.username, PASSWORD)

    assert failures == [200] * 3
    assert response.status_code == 429
    assert ACCOUNT_LOCKED in html(response)
    assert EVEN_RIGHT in html(response)
    assert int(response["Retry-After"]) > 0
    assert client.get("/admin/").status_code == 302  # still signed out


def test_the_admin_and_the_ui_share_an_accounts_failures(client, low_limits) -> None:
    admin = UserFactory.create(is_staff=True, is_superuser=True)
    for _ in range(3):
        web_signin(client, admin.username, "wrong")

    assert admin_signin(client, admin.username, PASSWORD).status_code == 429


def test_the_admin_signs_staff_in_below_the_limit(client, low_limits) -> None:
    admin = UserFactory.create(is_staff=True, is_superuser=True)
    admin_signin(client, admin.username, "wrong")

    response = admin_signin(client, admin.username, PASSWORD)

    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


# --- The API's token endpoint -------------------------------------------------------------


def test_the_token_endpoint_locks_an_account_after_its_failures(api, reviewer, low_limits) -> None:
    failures = [api_signin(api, reviewer.username, "wrong").status_code for _ in range(3)]

    response = api_signin(api, reviewer.username, PASSWORD)

    assert failures == [400] * 3
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["code"] == "throttled"
    assert body["detail"].startswith(ACCOUNT_LOCKED)
    assert EVEN_RIGHT in body["detail"]
    assert int(response["Retry-After"]) > 0
    assert not Token.objects.exists()


def test_failures_on_the_web_lock_the_token_endpoint_too(client, api, reviewer, low_limits) -> None:
    for _ in range(3):
        web_signin(client, reviewer.username, "wrong")

    assert api_signin(api, reviewer.username, PASSWORD).status_code == 429


def test_a_token_request_resets_the_accounts_failures(api, reviewer, low_limits) -> None:
    for _ in range(2):
        api_signin(api, reviewer.username, "wrong")
    assert api_signin(api, reviewer.username, PASSWORD).status_code == 200

    again = [api_signin(api, reviewer.username, "wrong").status_code for _ in range(4)]

    assert again == [400, 400, 400, 429]
