"""API rate limits: a sliding window over per-window counters in the shared cache."""

from __future__ import annotations

from typing import Any

import pytest
import redis
from django.contrib.auth.models import AnonymousUser
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from rest_framework.test import APIRequestFactory

from factcheck.throttling import AnonRateThrottle, UserRateThrottle
from tests.factories import UserFactory


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(600_000.0)  # the start of a 60-second window


REDIS = "redis://127.0.0.1:6379/7"


def _redis_cache() -> BaseCache:
    cache = RedisCache(REDIS, {})
    try:
        cache.clear()
    except redis.ConnectionError:
        pytest.skip(f"No Redis at {REDIS}")
    return cache


@pytest.fixture(params=["memory", "redis"])
def shared_cache(request: pytest.FixtureRequest) -> BaseCache:
    """The cache that processes share: this process's memory, or Redis (one atomic script)."""
    if request.param == "redis":
        return _redis_cache()
    cache = LocMemCache("throttle-tests", {})
    cache.clear()
    return cache


def throttle(kind: type[Any], rate: str, clock: Clock, cache: BaseCache) -> Any:
    """A throttle as one process would build it for one request."""
    instance = kind()
    instance.rate = rate
    instance.num_requests, instance.duration = instance.parse_rate(rate)
    instance.timer = clock
    instance.cache = cache
    return instance


def anonymous_request(ip: str = "203.0.113.7") -> Any:
    request = APIRequestFactory().get("/api/v1/articles/", REMOTE_ADDR=ip)
    request.user = AnonymousUser()
    return request


def allowed(kind: type, rate: str, clock: Clock, cache: BaseCache, request: Any) -> bool:
    return bool(throttle(kind, rate, clock, cache).allow_request(request, None))


def test_requests_up_to_the_rate_pass_and_the_next_is_refused(clock, shared_cache) -> None:
    request = anonymous_request()
    results = [allowed(AnonRateThrottle, "5/min", clock, shared_cache, request) for _ in range(6)]

    assert results == [True] * 5 + [False]


def test_a_refused_request_is_not_counted(clock, shared_cache) -> None:
    request = anonymous_request()
    for _ in range(10):
        allowed(AnonRateThrottle, "3/min", clock, shared_cache, request)

    clock.now += 60  # the next window: 3 requests (not 10) still weigh in fully
    assert not allowed(AnonRateThrottle, "3/min", clock, shared_cache, request)
    clock.now += 20  # a third of the previous window has slid out: 3 * 2/3 = 2 < 3
    assert allowed(AnonRateThrottle, "3/min", clock, shared_cache, request)


def test_the_previous_window_counts_for_the_part_still_inside_the_sliding_one(
    clock, shared_cache
) -> None:
    request = anonymous_request()
    clock.now += 59  # the end of a window
    assert all(allowed(AnonRateThrottle, "4/min", clock, shared_cache, request) for _ in range(4))

    clock.now += 2  # 1 s into the next window: they count 59/60 each, 3.93 in all
    assert allowed(AnonRateThrottle, "4/min", clock, shared_cache, request)
    assert not allowed(AnonRateThrottle, "4/min", clock, shared_cache, request)  # 4.93
    clock.now += 44  # 45 s in: 4 * 15/60 + 1 = 2, room for two more
    results = [allowed(AnonRateThrottle, "4/min", clock, shared_cache, request) for _ in range(3)]
    assert results == [True, True, False]


def test_processes_sharing_the_cache_share_the_count(clock, shared_cache) -> None:
    request = anonymous_request()
    # Each call builds a new throttle, as separate processes (or requests) would.
    first, second = (throttle(AnonRateThrottle, "2/min", clock, shared_cache) for _ in range(2))

    assert first.allow_request(request, None)
    assert second.allow_request(request, None)
    assert not first.allow_request(request, None)


def test_clients_are_counted_apart(clock, shared_cache) -> None:
    assert allowed(AnonRateThrottle, "1/min", clock, shared_cache, anonymous_request("192.0.2.1"))
    assert allowed(AnonRateThrottle, "1/min", clock, shared_cache, anonymous_request("192.0.2.2"))
    assert not allowed(
        AnonRateThrottle, "1/min", clock, shared_cache, anonymous_request("192.0.2.1")
    )


@pytest.mark.django_db
def test_signed_in_users_are_counted_per_user(clock, shared_cache) -> None:
    first, second = UserFactory.create(), UserFactory.create()
    requests = []
    for user in (first, first, second):
        request = APIRequestFactory().get("/api/v1/claims/")
        request.user = user
        requests.append(request)

    results = [allowed(UserRateThrottle, "1/min", clock, shared_cache, r) for r in requests]

    assert results == [True, False, True]


@pytest.mark.parametrize("start", [0, 10, 45, 59.5])
def test_retry_after_is_when_the_request_would_pass(clock, shared_cache, start: float) -> None:
    request = anonymous_request()
    clock.now += start
    while allowed(AnonRateThrottle, "6/min", clock, shared_cache, request):
        pass
    refused = throttle(AnonRateThrottle, "6/min", clock, shared_cache)
    assert not refused.allow_request(request, None)
    wait = refused.wait()

    assert 0 < wait <= 120
    clock.now += wait - 1
    assert not allowed(AnonRateThrottle, "6/min", clock, shared_cache, request)
    clock.now += 1
    assert allowed(AnonRateThrottle, "6/min", clock, shared_cache, request)


def test_a_rate_of_none_never_throttles(clock, shared_cache) -> None:
    instance = throttle(AnonRateThrottle, "1/min", clock, shared_cache)
    instance.rate = None

    assert all(instance.allow_request(anonymous_request(), None) for _ in range(5))
