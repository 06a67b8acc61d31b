"""Cached API reads live in process memory in front of the shared cache."""

from __future__ import annotations

import pytest
import redis
from django.core.cache import caches

from apicache import store

REDIS = "redis://127.0.0.1:6379/8"


@pytest.fixture
def redis_cache(settings) -> None:
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS}
    }
    try:
        caches["default"].clear()
    except redis.ConnectionError:
        pytest.skip(f"No Redis at {REDIS}")
    store.clear_local()


def test_an_entry_is_kept_in_process_memory_and_in_the_shared_cache(redis_cache) -> None:
    store.put("apicache:response:1:a", b"[1]")

    assert caches["default"].get("apicache:response:1:a") == b"[1]"
    assert store._local.get("apicache:response:1:a") == b"[1]"


def test_an_entry_another_process_cached_is_read_from_the_shared_cache(redis_cache) -> None:
    caches["default"].set("apicache:response:2:a", b"[2]")  # as another process would

    assert store.get("apicache:response:2:a") == b"[2]"
    caches["default"].delete("apicache:response:2:a")
    assert store.get("apicache:response:2:a") == b"[2]"  # now from this process's memory


def test_a_missing_entry_is_none(redis_cache) -> None:
    assert store.get("apicache:response:3:a") is None


def test_without_a_shared_cache_process_memory_is_the_only_layer() -> None:
    store.put("apicache:response:4:a", b"[4]")

    assert caches["default"].get("apicache:response:4:a") == b"[4]"
    assert store._local.get("apicache:response:4:a") is None
