"""The client address that rate limits count by: X-Forwarded-For only from trusted proxies."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import RequestFactory
from rest_framework import throttling

from accounts.ratelimits import client_address

PROXY = "10.0.0.5"


def request_from(remote: str, forwarded_for: str | None = None) -> Any:
    request = RequestFactory().get("/", REMOTE_ADDR=remote)
    if forwarded_for is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return request


def test_without_trusted_proxies_the_header_is_ignored(settings) -> None:
    settings.TRUSTED_PROXIES = []

    assert client_address(request_from("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


def test_behind_a_trusted_proxy_the_address_it_saw_is_the_client(settings) -> None:
    settings.TRUSTED_PROXIES = [PROXY]

    assert client_address(request_from(PROXY, "198.51.100.1")) == "198.51.100.1"


def test_what_the_client_wrote_into_the_header_itself_is_ignored(settings) -> None:
    settings.TRUSTED_PROXIES = [PROXY]
    # The client sent "X-Forwarded-For: 192.0.2.66"; the proxy appended the client's address.
    request = request_from(PROXY, "192.0.2.66, 198.51.100.1")

    assert client_address(request) == "198.51.100.1"


def test_a_chain_of_trusted_proxies_is_walked_back_to_the_client(settings) -> None:
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "172.16.0.0/12"]
    request = request_from("10.0.0.5", "192.0.2.66, 198.51.100.1, 172.16.3.4, 10.1.1.1")

    assert client_address(request) == "198.51.100.1"


def test_a_request_not_from_a_trusted_proxy_is_its_own_client(settings) -> None:
    settings.TRUSTED_PROXIES = [PROXY]

    assert client_address(request_from("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


def test_a_trusted_proxy_that_forwards_no_header_is_the_client(settings) -> None:
    settings.TRUSTED_PROXIES = [PROXY]

    assert client_address(request_from(PROXY)) == PROXY
    assert client_address(request_from(PROXY, "not an address")) == PROXY


@pytest.mark.parametrize(
    ("written", "address"),
    [
        ("198.51.100.1:5123", "198.51.100.1"),
        ("[2001:db8::1]:5123", "2001:db8::1"),
        ("2001:db8::1", "2001:db8::1"),
        ("::ffff:198.51.100.1", "198.51.100.1"),
    ],
)
def test_addresses_are_read_with_or_without_a_port(settings, written: str, address: str) -> None:
    settings.TRUSTED_PROXIES = [PROXY]

    assert client_address(request_from(PROXY, written)) == address


def test_ipv6_proxies_are_trusted_by_network(settings) -> None:
    settings.TRUSTED_PROXIES = ["fd00::/8"]

    assert client_address(request_from("fd00::7", "2001:db8::1")) == "2001:db8::1"


# --- Rate limits cannot be dodged by rotating the header ---------------------------------


@pytest.fixture
def low_rates(monkeypatch: pytest.MonkeyPatch) -> None:
    # DRF reads the rates from settings once, onto the throttle class.
    monkeypatch.setattr(
        throttling.SimpleRateThrottle, "THROTTLE_RATES", {"anon": "5/min", "user": "1000/min"}
    )


@pytest.mark.django_db
def test_anonymous_reads_with_a_new_forwarded_for_each_time_are_throttled(
    api, low_rates: None
) -> None:
    statuses = [
        api.get("/api/v1/articles/", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
        for n in range(6)
    ]

    assert statuses == [200] * 5 + [429]


@pytest.mark.django_db
def test_password_guessing_with_a_new_forwarded_for_each_time_is_stopped(api, reviewer) -> None:
    """140 wrong passwords, each with another X-Forwarded-For, at the default limits."""
    statuses = [
        api.post(
            "/api/v1/auth/token/",
            {"username": reviewer.username, "password": f"guess {n}"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        ).status_code
        for n in range(140)
    ]

    assert statuses[:10] == [400] * 10
    assert set(statuses[10:]) == {429}  # the account's failures, then the address's rate


@pytest.mark.django_db
def test_behind_a_trusted_proxy_clients_are_counted_apart(api, settings, low_rates) -> None:
    settings.TRUSTED_PROXIES = ["127.0.0.1"]  # the test client's REMOTE_ADDR
    first = [api.get("/api/v1/articles/", HTTP_X_FORWARDED_FOR="198.51.100.1") for _ in range(6)]

    other = api.get("/api/v1/articles/", HTTP_X_FORWARDED_FOR="198.51.100.2")

    assert [response.status_code for response in first] == [200] * 5 + [429]
    assert other.status_code == 200
