"""API rate limits that cost the same whatever the rate, and hold across processes.

DRF's own throttles keep a list of every request's time in the cache and read, trim and
write it back on each request: the work grows with the rate (a 2000/min limit means
lists of up to 2000 timestamps), and two processes updating one list lose each other's
requests. These count requests instead, in one counter per client and window that the
cache increments, and estimate the rate over a sliding window from the current and the
previous window's counts, weighted by how much of the previous window still falls inside
the sliding one. On Redis, checking and counting is one atomic round trip (a Lua script).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.utils.connection import ConnectionProxy
from rest_framework import throttling
from rest_framework.request import Request

if TYPE_CHECKING:  # APIView reads the throttle classes from settings when it is imported
    from rest_framework.views import APIView


# KEYS: previous and current window's counters; ARGV: share of the previous window,
# limit, counter lifetime. Returns allowed (0/1) and both counts before this request.
_REDIS_CHECK_AND_COUNT = """
local previous = tonumber(redis.call('GET', KEYS[1]) or '0')
local current = tonumber(redis.call('GET', KEYS[2]) or '0')
if previous * tonumber(ARGV[1]) + current >= tonumber(ARGV[2]) then
    return {0, previous, current}
end
if redis.call('INCR', KEYS[2]) == 1 then
    redis.call('EXPIRE', KEYS[2], ARGV[3])
end
return {1, previous, current}
"""


def _backend(cache: Any) -> Any:
    """The cache backend behind ``django.core.cache.cache`` (a per-thread proxy)."""
    if isinstance(cache, ConnectionProxy):
        return caches[cache._alias]
    return cache


class SlidingWindowMixin:
    """For a ``SimpleRateThrottle`` subclass: its rate, scope and cache key, counted."""

    cache: Any
    timer: Any
    num_requests: int
    duration: int
    rate: str | None
    get_cache_key: Callable[[Request, APIView], str | None]

    def allow_request(self, request: Request, view: APIView) -> bool:
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        now = self.timer()
        window, elapsed = divmod(now, self.duration)
        current_key, previous_key = f"{key}:{int(window)}", f"{key}:{int(window) - 1}"
        share = 1 - elapsed / self.duration  # of the previous window, still in the sliding one
        backend = _backend(self.cache)
        if isinstance(backend, RedisCache):
            allowed, previous, current = self._redis_check_and_count(
                backend, previous_key, current_key, share
            )
        else:
            allowed, previous, current = self._check_and_count(previous_key, current_key, share)
        if not allowed:
            self._wait = self._seconds_until_allowed(previous, current, elapsed)
        return allowed

    def _limit_reached(self, previous: int, current: int, share: float) -> bool:
        return previous * share + current >= self.num_requests

    def _check_and_count(
        self, previous_key: str, current_key: str, share: float
    ) -> tuple[bool, int, int]:
        counts = self.cache.get_many([previous_key, current_key])
        previous, current = counts.get(previous_key, 0), counts.get(current_key, 0)
        if self._limit_reached(previous, current, share):
            return False, previous, current
        if current:
            try:
                self.cache.incr(current_key)
                return True, previous, current
            except ValueError:  # expired since it was read
                pass
        if not self.cache.add(current_key, 1, 2 * self.duration):
            self.cache.incr(current_key)  # another process started the window first
        return True, previous, current

    def _redis_check_and_count(
        self, backend: RedisCache, previous_key: str, current_key: str, share: float
    ) -> tuple[bool, int, int]:
        """The same in one atomic round trip: a Lua script runs alone in Redis."""
        keys = [backend.make_and_validate_key(k) for k in (previous_key, current_key)]
        client = backend._cache.get_client(keys[1], write=True)  # type: ignore[attr-defined]
        allowed, previous, current = client.register_script(_REDIS_CHECK_AND_COUNT)(
            keys=keys, args=[repr(share), self.num_requests, 2 * self.duration]
        )
        return bool(allowed), int(previous), int(current)

    def _seconds_until_allowed(self, previous: int, current: int, elapsed: float) -> float:
        """When ``previous * share + current`` falls below the limit, with no new requests."""
        limit = self.num_requests
        if current < limit:  # later in this window, once enough of the previous one slid out
            needed_share = (limit - current) / previous
            return max(0.0, (1 - needed_share) * self.duration - elapsed)
        # In the next window, once enough of this one (the previous by then) slid out.
        return (self.duration - elapsed) + max(0.0, 1 - limit / current) * self.duration

    def wait(self) -> float | None:
        """Whole seconds, strictly after the moment the request would pass."""
        return math.floor(getattr(self, "_wait", self.duration)) + 1


class AnonRateThrottle(SlidingWindowMixin, throttling.AnonRateThrottle):
    """Anonymous callers, per IP address (``API_THROTTLE_ANON``)."""


class UserRateThrottle(SlidingWindowMixin, throttling.UserRateThrottle):
    """Signed-in callers, per user (``API_THROTTLE_USER``)."""
