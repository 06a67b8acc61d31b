"""Who else has a page open: each poll of a page records its reader for a few polls'
time in the cache (shared by the web processes when ``CACHE_URL`` is set)."""

from __future__ import annotations

import logging
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

SHOWN_NAMES = 3


def here_seconds() -> float:
    """How long a reader counts as here after their last poll: long enough that a slow
    answer or two never drops someone (which would change every other reader's answer)."""
    return max(10 * settings.LIVE_POLL_SECONDS, 20)


def look(page: str, user: Any) -> list[str]:
    """Record that ``user`` has ``page`` open; the names of the others who have it open.

    Each reader has a key of their own that expires (so processes never overwrite each
    other's readers), and the page keeps the list of who was seen, changed only when
    someone comes or goes: an idle page's poll reads two keys and writes none most times.
    """
    index_key = f"live:here:{page}"
    now = time.time()
    try:
        seen: dict[int, str] = cache.get(index_key) or {}
        until = cache.get_many([f"{index_key}:{pk}" for pk in seen])
        present = {pk: name for pk, name in seen.items() if until.get(f"{index_key}:{pk}", 0) > now}
        mine = until.get(f"{index_key}:{user.pk}", 0)
        if mine - now < here_seconds() / 2:  # new, or halfway to expiring
            cache.set(f"{index_key}:{user.pk}", now + here_seconds(), timeout=_timeout())
            cache.touch(index_key, timeout=_timeout() * 6)
        present[user.pk] = user.get_username()
        if present != seen:
            cache.set(index_key, present, timeout=_timeout() * 6)
    except Exception:  # the cache is down: nobody is shown, the page still works
        logger.warning("Could not read who is here from the cache.", exc_info=True)
        return []
    return sorted(name for pk, name in present.items() if pk != user.pk)


def _timeout() -> int:
    return int(here_seconds()) + 1


def sentence(names: list[str]) -> str:
    """'ben is here', 'ana and ben are here', 'ana, ben, cy and 2 others are here'."""
    if not names:
        return ""
    if len(names) == 1:
        return f"{names[0]} is here"
    if len(names) <= SHOWN_NAMES + 1:
        return f"{', '.join(names[:-1])} and {names[-1]} are here"
    rest = len(names) - SHOWN_NAMES
    return f"{', '.join(names[:SHOWN_NAMES])} and {rest} others are here"
