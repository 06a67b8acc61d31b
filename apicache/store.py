"""Where cached API reads are kept: this process's memory, in front of the shared cache.

Every key holds the data version, so an entry never changes once written: a copy kept in
process memory can never disagree with the shared cache (Redis, with ``CACHE_URL``) and
needs no invalidation of its own. A repeated read then costs no round trip to Redis; a
read another process cached costs one.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache

# Oldest entries go first beyond this; a claims page is about 60 KB.
LOCAL_ENTRIES = 256

_local = LocMemCache("apicache-local", {"OPTIONS": {"MAX_ENTRIES": LOCAL_ENTRIES}})


def _layers() -> list[Any]:
    shared = caches["default"]
    # Without CACHE_URL the default cache is itself this process's memory.
    return [shared] if isinstance(shared, LocMemCache) else [_local, shared]


def get(key: str) -> Any:
    layers = _layers()
    for depth, layer in enumerate(layers):
        value = layer.get(key)
        if value is not None:
            for nearer in layers[:depth]:
                nearer.set(key, value, settings.API_CACHE_SECONDS)
            return value
    return None


def put(key: str, value: Any) -> None:
    for layer in _layers():
        layer.set(key, value, settings.API_CACHE_SECONDS)


def clear_local() -> None:
    """Forget this process's copies (tests)."""
    _local.clear()
