"""Request slots per site shared by every worker process: a semaphore in Redis.

``safe_http`` limits the requests in flight to one site per process. With many worker
processes on many machines, each would allow its own ``max_per_host``; these slots make
the limit hold across all of them. A slot is a member of a sorted set per site, scored
by when it expires: a worker that is killed while holding one frees it when it expires
(after the longest a fetch may take), never holding it for ever. Taking a slot drops the
expired ones, counts, and adds in one Lua script, so two processes cannot both take the
last one.

When Redis cannot be reached, fetching goes on with the per-process limit alone (and
says so in the log): a politeness limit must not stop the checks.
"""

from __future__ import annotations

import logging
import secrets
import time
from typing import Protocol

import redis

logger = logging.getLogger(__name__)

# KEYS[1]: the site's set. ARGV: now (ms), expires (ms), limit, token.
_TAKE = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[3]) then
  redis.call('ZADD', KEYS[1], ARGV[2], ARGV[4])
  redis.call('PEXPIREAT', KEYS[1], ARGV[2])
  return 1
end
return 0
"""


class SharedSlots(Protocol):
    def take(self, site: str, *, limit: int, hold_for: float) -> str | None:
        """A token for one of ``limit`` slots of ``site``, or None when all are taken."""

    def give_back(self, site: str, token: str) -> None: ...


class RedisHostSlots:
    """``SharedSlots`` in a Redis database (``url``), under keys starting ``prefix``."""

    def __init__(self, url: str, *, prefix: str = "factcheck:host-slots:", timeout: float = 1.0):
        self.prefix = prefix
        self.client = redis.Redis.from_url(
            url, socket_timeout=timeout, socket_connect_timeout=timeout
        )
        self._take = self.client.register_script(_TAKE)
        self._down_until = 0.0

    def _key(self, site: str) -> str:
        return f"{self.prefix}{site}"

    def take(self, site: str, *, limit: int, hold_for: float) -> str | None:
        if time.monotonic() < self._down_until:
            return "local"  # Redis was unreachable a moment ago: the local limit only
        now_ms = int(time.time() * 1000)
        token = secrets.token_hex(8)
        try:
            taken = self._take(
                keys=[self._key(site)],
                args=[now_ms, now_ms + int(hold_for * 1000), limit, token],
            )
        except redis.RedisError as exc:
            self._down_until = time.monotonic() + 10
            logger.warning("Shared host slots unavailable, per-process limits only: %s", exc)
            return "local"
        return token if taken else None

    def give_back(self, site: str, token: str) -> None:
        if token == "local":
            return
        try:
            self.client.zrem(self._key(site), token)
        except redis.RedisError as exc:  # it expires on its own
            logger.warning("Could not give back a host slot of %s: %s", site, exc)

    def in_use(self, site: str) -> int:
        """Slots of ``site`` held now (expired ones not counted)."""
        return int(self.client.zcount(self._key(site), int(time.time() * 1000) + 1, "+inf"))
