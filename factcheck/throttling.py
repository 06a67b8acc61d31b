"""API rate limits that cost the same whatever the rate, and hold across processes.

DRF's own throttles keep a list of every request's time in the cache and read, trim and
write it back on each request: the work grows with the rate (a 2000/min limit means lists
of up to 2000 timestamps), and two processes updating one list lose each other's requests.
These count requests in a sliding window of atomic counters instead
(``accounts.ratelimits.SlidingWindow``), and know a client by the address
``accounts.ratelimits.client_address`` finds, which believes ``X-Forwarded-For`` only from
``TRUSTED_PROXIES`` (DRF's own ``get_ident`` believes it from anyone).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rest_framework import throttling
from rest_framework.request import Request

from accounts.ratelimits import Decision, SlidingWindow, client_address, whole_seconds

if TYPE_CHECKING:  # APIView reads the throttle classes from settings when it is imported
    from rest_framework.views import APIView


class SlidingWindowMixin:
    """For a ``SimpleRateThrottle`` subclass: its rate, scope and cache key, counted."""

    cache: Any
    timer: Any
    num_requests: int
    duration: int
    rate: str | None
    get_cache_key: Callable[[Request, APIView], str | None]  # DRF's, per throttle class
    _decision: Decision | None = None

    def allow_request(self, request: Request, view: APIView) -> bool:
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        window = SlidingWindow(cache=self.cache, limit=self.num_requests, period=self.duration)
        self._decision = window.take(key, now=self.timer())
        return self._decision.allowed

    def get_ident(self, request: Request) -> str:
        return client_address(request)

    def wait(self) -> float | None:
        """Whole seconds, strictly after the moment the request would pass."""
        if self._decision is None:
            return whole_seconds(self.duration)
        return whole_seconds(self._decision.wait)


class AnonRateThrottle(SlidingWindowMixin, throttling.AnonRateThrottle):
    """Anonymous callers, per client address (``API_THROTTLE_ANON``)."""


class UserRateThrottle(SlidingWindowMixin, throttling.UserRateThrottle):
    """Signed-in callers, per user (``API_THROTTLE_USER``)."""
