"""API rate limits that cost the same whatever the rate, and hold across processes.

DRF's own throttles keep a list of every request's time in the cache and read, trim and
write it back on each request: the work grows with the rate (a 2000/min limit means
lists of up to 2000 timestamps), and two processes updating one list lose each other's
requests. These count requests instead, in one counter per client and window that the
cache increments atomically (Redis INCR), and estimate the rate over a sliding window
from the current and the previous window's counts, weighted by how much of the
previous window still falls inside the sliding one.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rest_framework import throttling
from rest_framework.request import Request

if TYPE_CHECKING:  # APIView reads the throttle classes from settings when it is imported
    from rest_framework.views import APIView


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
        counts = self.cache.get_many([previous_key, current_key])
        previous, current = counts.get(previous_key, 0), counts.get(current_key, 0)
        share = 1 - elapsed / self.duration  # of the previous window, still in the sliding one
        if previous * share + current >= self.num_requests:
            self._wait = self._seconds_until_allowed(previous, current, elapsed)
            return False
        if not self.cache.add(current_key, 1, 2 * self.duration):
            try:
                self.cache.incr(current_key)
            except ValueError:  # expired between add() and incr()
                self.cache.add(current_key, 1, 2 * self.duration)
        return True

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
