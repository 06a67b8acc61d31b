"""Rate limits: who a request comes from, and how many requests they sent lately.

The REST API's throttles (``factcheck.throttling``) and the sign-in limits
(``accounts.signin``) both count per client address and per account here.

Counting uses the cache's public API only: ``add()`` starts a window's counter and
``incr()``/``decr()`` change it, which Redis (INCRBY), memcached and process memory (under
a lock) all do atomically, so web processes sharing the cache lose no counts. A request
takes its slot first and hands it back if that put the count over the limit, so several
processes cannot all let a request through on the same last free slot. (django-ratelimit
counts with the same calls, in fixed windows; a sliding window keeps a client from
sending twice the rate across a window boundary, and tells it when to retry.)

The rate over the sliding window is estimated from the counts of the current and the
previous fixed window, the previous one weighted by the share of it that still falls
inside the sliding window.

While the cache cannot be reached, nothing is limited: a warning is logged and the
request goes through, rather than the whole site failing with the cache.
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import redis
from django.conf import settings
from django.core.cache.backends.base import BaseCache

logger = logging.getLogger(__name__)

# What a cache that is down or out of reach raises (redis-py wraps socket errors).
CACHE_UNREACHABLE = (redis.ConnectionError, redis.TimeoutError, OSError)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


# --- Client address ------------------------------------------------------------------


def client_address(request: Any) -> str:
    """The address of the client that sent ``request`` (Django's or DRF's).

    ``REMOTE_ADDR``, unless it is one of ``TRUSTED_PROXIES``: then the nearest address in
    ``X-Forwarded-For`` that is not a trusted proxy. Each proxy appends the address it was
    reached from, so reading from the right, only what trusted proxies wrote is believed;
    whatever the client sent itself lies further left and is never reached.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    address = _parse_address(remote)
    if address is None:
        return remote or "unknown"
    trusted = _networks(tuple(settings.TRUSTED_PROXIES))
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    for hop in reversed(forwarded):
        if not any(address in network for network in trusted):
            break
        nearer = _parse_address(hop)
        if nearer is None:  # not written by a proxy we trust: stop at the last one that is
            break
        address = nearer
    return str(address)


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _parse_address(text: str) -> IPAddress | None:
    """An address as proxies write it: ``192.0.2.1``, ``2001:db8::1``, with or without a
    port (``192.0.2.1:5000``, ``[2001:db8::1]:5000``); None for anything else."""
    text = text.strip()
    if text.startswith("[") and "]" in text:
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped  # the same IPv4 client, as a dual-stack socket shows it
    return address


# --- Counting ------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    """What ``SlidingWindow.take()`` decided."""

    allowed: bool
    # Refused: seconds until a request would be allowed, if no other one comes.
    wait: float = 0.0
    # Allowed: the counter the request was added to (None when the cache is down).
    counted: str | None = None


@dataclass(frozen=True)
class SlidingWindow:
    """At most ``limit`` requests per key in any ``period`` seconds, counted in ``cache``."""

    cache: BaseCache
    limit: int
    period: int

    def take(self, key: str, *, now: float) -> Decision:
        """Count a request for ``key`` unless the count has reached the limit; a refused
        request is not counted."""
        window, elapsed = divmod(now, self.period)
        current_key, previous_key = f"{key}:{int(window)}", f"{key}:{int(window) - 1}"
        share = 1 - elapsed / self.period  # of the previous window, still in the sliding one
        try:
            counts = self.cache.get_many([previous_key, current_key])
            previous = int(counts.get(previous_key, 0))
            current = self._increment(current_key, exists=current_key in counts)
            before = current - 1  # requests this window counted before this one
            if previous * share + before < self.limit:
                return Decision(allowed=True, counted=current_key)
            self._uncount(current_key)
        except CACHE_UNREACHABLE as exc:
            _warn_unreachable(exc)
            return Decision(allowed=True)
        return Decision(allowed=False, wait=self._seconds_until_allowed(previous, before, elapsed))

    def give_back(self, decision: Decision) -> None:
        """Uncount the request ``take()`` allowed (it turned out not to count)."""
        if decision.counted is None:
            return
        try:
            self._uncount(decision.counted)
        except CACHE_UNREACHABLE as exc:
            _warn_unreachable(exc)

    def reset(self, key: str, *, now: float) -> None:
        """Forget every request counted for ``key``."""
        window = int(now // self.period)
        try:
            self.cache.delete_many([f"{key}:{window - 1}", f"{key}:{window}"])
        except CACHE_UNREACHABLE as exc:
            _warn_unreachable(exc)

    def _increment(self, key: str, *, exists: bool) -> int:
        """The counter after adding one; it lives two periods, to be the next one's
        previous window."""
        if exists:
            try:
                return int(self.cache.incr(key))
            except ValueError:  # expired since it was read
                pass
        if self.cache.add(key, 1, 2 * self.period):
            return 1
        return int(self.cache.incr(key))  # another process started the window first

    def _uncount(self, key: str) -> None:
        with contextlib.suppress(ValueError):  # expired meanwhile: nothing left to uncount
            self.cache.decr(key)

    def _seconds_until_allowed(self, previous: int, current: int, elapsed: float) -> float:
        """When ``previous * share + current`` falls below the limit, with no new requests."""
        if current < self.limit:  # later in this window, once enough of the previous slid out
            needed_share = (self.limit - current) / previous
            return max(0.0, (1 - needed_share) * self.period - elapsed)
        # In the next window, once enough of this one (the previous by then) slid out.
        return (self.period - elapsed) + max(0.0, 1 - self.limit / current) * self.period


def whole_seconds(wait: float) -> int:
    """``wait`` as a ``Retry-After``: whole seconds, strictly after the moment it passes."""
    return math.floor(wait) + 1


def _warn_unreachable(exc: Exception) -> None:
    logger.warning(
        "Rate limits are off while the cache is unreachable; letting the request through",
        extra={"error": str(exc)},
    )
