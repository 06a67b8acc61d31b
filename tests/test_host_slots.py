"""Requests in flight per site shared by every process (``fetching.host_slots``)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
import redis

from fetching.host_slots import RedisHostSlots

REDIS_URL = "redis://127.0.0.1:6379/11"


@pytest.fixture
def slots() -> Iterator[RedisHostSlots]:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
    except redis.RedisError as exc:
        pytest.skip(f"no Redis at {REDIS_URL}: {exc}")
    shared = RedisHostSlots(REDIS_URL, prefix=f"test-host-slots:{time.time_ns()}:")
    yield shared
    for key in shared.client.scan_iter(f"{shared.prefix}*"):
        shared.client.delete(key)


def test_a_site_has_only_its_limit_of_slots_until_one_is_given_back(slots):
    first = slots.take("news.example:443", limit=2, hold_for=30)
    second = slots.take("news.example:443", limit=2, hold_for=30)
    assert first is not None
    assert second is not None
    assert first != second
    assert slots.take("news.example:443", limit=2, hold_for=30) is None
    assert slots.take("other.example:443", limit=2, hold_for=30) is not None
    slots.give_back("news.example:443", first)
    assert slots.take("news.example:443", limit=2, hold_for=30) is not None


def test_a_slot_of_a_killed_worker_frees_itself_when_it_expires(slots):
    assert slots.take("news.example:443", limit=1, hold_for=0.2)  # never given back
    assert slots.take("news.example:443", limit=1, hold_for=30) is None
    time.sleep(0.3)
    assert slots.take("news.example:443", limit=1, hold_for=30) is not None


def test_without_redis_fetching_goes_on_with_the_local_limit(caplog):
    unreachable = RedisHostSlots("redis://127.0.0.1:1/0", timeout=0.2)
    token = unreachable.take("news.example:443", limit=1, hold_for=30)
    assert token == "local"
    unreachable.give_back("news.example:443", token)
    assert "per-process limits only" in caplog.text
