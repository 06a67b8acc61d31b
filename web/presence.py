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
    """How long a reader counts as here after their last poll: a few missed polls."""
    return max(3 * settings.LIVE_POLL_SECONDS, 10)


def look(page: str, user: Any) -> list[str]:
    """Record that ``user`` has ``page`` open; the names of the others who have it open."""
    key = f"live:here:{page}"
    now = time.time()
    try:
        seen: dict[int, tuple[str, float]] = cache.get(key) or {}
        seen = {pk: entry for pk, entry in seen.items() if entry[1] > now}
        mine = seen.get(user.pk)
        # Written again only when the entry is halfway to expiring or new: most polls
        # of an idle page only read.
        if mine is None or mine[1] - now < here_seconds() / 2:
            seen[user.pk] = (user.get_username(), now + here_seconds())
            cache.set(key, seen, timeout=int(here_seconds()) + 1)
    except Exception:  # the cache is down: nobody is shown, the page still works
        logger.warning("Could not read who is here from the cache.", exc_info=True)
        return []
    return sorted(name for pk, (name, _) in seen.items() if pk != user.pk)


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
