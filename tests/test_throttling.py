"""API rate limits: a sliding window over per-window counters in the shared cache.

The Redis cases use ``CACHE_URL`` when it is a Redis URL (its database is emptied), else
database 7 of a Redis on this machine; they are skipped without one.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from typing import Any

import pytest
import redis
from django.contrib.auth.models import AnonymousUser
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from rest_framework.test import APIRequestFactory

from accounts.ratelimits import SlidingWindow
from factcheck.throttling import AnonRateThrottle, UserRateThrottle
from tests.conftest import redis_database_of_this_process
from tests.factories import UserFactory


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(600_000.0)  # the start of a 60-second window


REDIS = redis_database_of_this_process(os.environ.get("CACHE_URL") or "redis://127.0.0.1:6379/7")


def _redis_cache() -> BaseCache:
    cache = RedisCache(REDIS, {})
    try:
        cache.clear()
    except redis.ConnectionError:
        pytest.skip(f"No Redis at {REDIS}")
    return cache


@pytest.fixture(params=["memory", "redis"])
def shared_cache(request: pytest.FixtureRequest) -> BaseCache:
    """The cache that processes share: this process's memory, or Redis."""
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


def test_a_request_over_the_limit_is_refused_even_mid_window(clock, shared_cache) -> None:
    window = SlidingWindow(cache=shared_cache, limit=2, period=60)
    clock.now += 30

    decisions = [window.take("k", now=clock.now) for _ in range(3)]

    assert [d.allowed for d in decisions] == [True, True, False]
    assert decisions[2].wait == pytest.approx(30)  # once the next window starts


def test_a_request_given_back_frees_its_slot(clock, shared_cache) -> None:
    window = SlidingWindow(cache=shared_cache, limit=2, period=60)
    first = window.take("k", now=clock.now)
    window.take("k", now=clock.now)

    window.give_back(first)

    assert window.take("k", now=clock.now).allowed
    assert not window.take("k", now=clock.now).allowed


def test_a_reset_forgets_the_current_and_the_previous_window(clock, shared_cache) -> None:
    window = SlidingWindow(cache=shared_cache, limit=2, period=60)
    window.take("k", now=clock.now)
    window.take("k", now=clock.now)
    clock.now += 61
    assert window.take("k", now=clock.now).allowed  # 2 * 59/60 before it
    assert not window.take("k", now=clock.now).allowed  # 2 * 59/60 + 1

    window.reset("k", now=clock.now)

    assert [window.take("k", now=clock.now).allowed for _ in range(3)] == [True, True, False]


# --- Across processes, on Redis ---------------------------------------------------------


def _hammer(limit: int, attempts: int, start: Any) -> int:
    """In a process of its own, with its own connection: requests allowed of ``attempts``."""
    window = SlidingWindow(cache=RedisCache(REDIS, {}), limit=limit, period=60)
    start.wait(timeout=10)
    return sum(window.take("throttle_hammered", now=600_000.0).allowed for _ in range(attempts))


def _hammer_from_two_processes(limit: int, attempts: int) -> list[int]:
    context = multiprocessing.get_context("fork")  # the child needs no Django set-up
    start = context.Manager().Event()
    with context.Pool(2) as pool:
        results = [pool.apply_async(_hammer, (limit, attempts, start)) for _ in range(2)]
        start.set()
        return [result.get(timeout=60) for result in results]


def test_two_processes_counting_on_redis_lose_no_count() -> None:
    cache = _redis_cache()

    allowed_each = _hammer_from_two_processes(limit=10_000, attempts=500)

    assert allowed_each == [500, 500]
    assert cache.get("throttle_hammered:10000") == 1000  # window 600000 // 60


def test_two_processes_on_redis_never_let_more_than_the_limit_through() -> None:
    cache = _redis_cache()

    allowed_each = _hammer_from_two_processes(limit=300, attempts=400)

    assert sum(allowed_each) == 300
    assert all(allowed > 0 for allowed in allowed_each)  # both took part
    assert cache.get("throttle_hammered:10000") == 300  # refused requests gave theirs back


# --- An unreachable cache ---------------------------------------------------------------


def test_an_unreachable_cache_lets_requests_through_with_a_warning(clock, caplog) -> None:
    nowhere = RedisCache("redis://127.0.0.1:1/0", {})  # nothing listens on port 1
    request = anonymous_request()

    with caplog.at_level(logging.WARNING, logger="accounts.ratelimits"):
        results = [allowed(AnonRateThrottle, "1/min", clock, nowhere, request) for _ in range(3)]

    assert results == [True, True, True]
    assert "cache is unreachable" in caplog.text
