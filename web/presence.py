"""Who else has a page open: each poll of a page records its reader for a few polls'
time in the cache (shared by the web processes when ``CACHE_URL`` is set)."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

SHOWN_NAMES = 3
MAX_PAGES_READ = 1000


def here_seconds() -> float:
    """How long a reader counts as here after their last poll: long enough that a slow
    answer or two never drops someone (which would change every other reader's answer)."""
    return max(10 * settings.LIVE_POLL_SECONDS, 20)


# What this process last read of each page's readers, and when: {page: (read_at, readers)}.
Readers = dict[int, tuple[str, float]]  # {pk: (name, here until)}
_read: dict[str, tuple[float, Readers]] = {}
_read_lock = threading.Lock()


def reread_seconds() -> float:
    """How long a process answers from what it last read of a page's readers: a reader
    who comes or goes is seen that much later, and a page with many readers costs each
    process one read of them all per this time, not one per poll."""
    return min(1.0, settings.LIVE_POLL_SECONDS / 2)


def look(page: str, user: Any) -> list[str]:
    """Record that ``user`` has ``page`` open; the names of the others who have it open.

    Each reader has a key of their own that expires (so processes never overwrite each
    other's readers), and the page keeps the list of who was seen, changed only when
    someone comes or goes. Reading every reader's key is done at most once per
    ``reread_seconds`` per page in each process; a reader's own key is written when it
    is new or halfway to expiring: an idle page's poll most often reads and writes none.
    """
    index_key = f"live:here:{page}"
    now = time.time()
    try:
        present: Readers
        with _read_lock:
            read_at, present = _read.get(page, (0.0, {}))
        if now - read_at >= reread_seconds() or user.pk not in present:
            present, read_at = _read_readers(index_key, now), now
        mine = present.get(user.pk)
        if mine is None or mine[1] - now < here_seconds() / 2:  # new, or halfway to expiring
            cache.set(f"{index_key}:{user.pk}", now + here_seconds(), timeout=_timeout())
            cache.touch(index_key, timeout=_timeout() * 6)
            present = {**present, user.pk: (user.get_username(), now + here_seconds())}
            names = {pk: name for pk, (name, _) in present.items()}
            if cache.get(index_key) != names:
                cache.set(index_key, names, timeout=_timeout() * 6)
        with _read_lock:
            if len(_read) > MAX_PAGES_READ:  # pages nobody has polled for a while go
                for stale in [k for k, (at, _) in _read.items() if now - at > here_seconds()]:
                    del _read[stale]
            _read[page] = (read_at, present)
    except Exception:  # the cache is down: nobody is shown, the page still works
        logger.warning("Could not read who is here from the cache.", exc_info=True)
        return []
    return sorted(name for pk, (name, until) in present.items() if pk != user.pk and until > now)


def forget() -> None:
    """Drop what this process read of every page's readers (the cache was cleared)."""
    with _read_lock:
        _read.clear()


def _read_readers(index_key: str, now: float) -> Readers:
    """The page's readers whose key has not expired: {pk: (name, until)}."""
    seen: dict[int, str] = cache.get(index_key) or {}
    until = cache.get_many([f"{index_key}:{pk}" for pk in seen])
    return {
        pk: (name, until[f"{index_key}:{pk}"])
        for pk, name in seen.items()
        if until.get(f"{index_key}:{pk}", 0) > now
    }


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
