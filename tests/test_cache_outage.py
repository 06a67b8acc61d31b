"""With the cache (Redis, ``CACHE_URL``) gone, reads and sign-ins still work, without rate
limits; once it is back, the limits are too.

Starts a Redis server of its own on a free port and stops it mid-test (skipped where
``redis-server`` is not installed).
"""

from __future__ import annotations

import logging
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from django.test import Client, override_settings
from rest_framework import throttling
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"  # tests.factories.UserFactory's


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class RedisServer:
    """A throw-away ``redis-server`` that keeps nothing on disk."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.2)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def own_redis() -> Iterator[RedisServer]:
    """Django's cache on a Redis of the test's own, for as long as the test runs."""
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    server = RedisServer(free_port())
    server.start()
    cache = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": server.url,
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
    try:
        with override_settings(CACHES={"default": cache}):
            yield server
    finally:  # the cache is this process's memory again before the server goes
        server.stop()


@pytest.fixture
def low_limits(settings, monkeypatch: pytest.MonkeyPatch) -> None:
    # DRF reads the rates from settings once, onto the throttle class.
    monkeypatch.setattr(
        throttling.SimpleRateThrottle, "THROTTLE_RATES", {"anon": "3/min", "user": "1000/min"}
    )
    settings.SIGNIN_MAX_FAILURES_PER_ACCOUNT = 2


def anonymous_reads(count: int) -> list[int]:
    client = APIClient()
    return [client.get("/api/v1/claims/").status_code for _ in range(count)]


def web_signin(username: str, password: str) -> Any:
    return Client().post("/signin/", {"username": username, "password": password})


def test_without_the_cache_requests_pass_and_with_it_back_limits_hold(
    own_redis: RedisServer, low_limits: None, reviewer, caplog
) -> None:
    assert anonymous_reads(4) == [200, 200, 200, 429]  # counted in this Redis

    own_redis.stop()
    with caplog.at_level(logging.WARNING, logger="accounts.ratelimits"):
        reads = anonymous_reads(6)
        signed_in = web_signin(reviewer.username, PASSWORD)
        token = APIClient().post(
            "/api/v1/auth/token/",
            {"username": reviewer.username, "password": PASSWORD},
            format="json",
        )
        wrong = [web_signin(reviewer.username, "wrong").status_code for _ in range(3)]

    assert reads == [200] * 6
    assert signed_in.status_code == 302
    assert token.status_code == 200
    assert wrong == [200, 200, 200]  # the usual message, not locked: nothing counts
    assert "cache is unreachable" in caplog.text

    own_redis.start()  # empty, as a restarted Redis without persistence
    assert anonymous_reads(4) == [200, 200, 200, 429]
    assert [web_signin(reviewer.username, "wrong").status_code for _ in range(2)] == [200, 200]
    assert web_signin(reviewer.username, PASSWORD).status_code == 429
