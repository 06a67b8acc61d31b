"""Reading the data version (``apicache.triggers`` keeps it current)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import connections

from apicache.models import DataVersion

_SQL = f"SELECT token FROM {DataVersion._meta.db_table} WHERE id = 1"


def current_token(*, using: str = "default") -> int | None:
    """The committed token, or None where there is none to trust: inside a transaction
    (its own writes may not have changed the token yet), or before the triggers exist."""
    connection = connections[using]
    if connection.in_atomic_block or connection.vendor not in {"postgresql", "sqlite"}:
        return None
    with connection.cursor() as cursor:
        cursor.execute(_SQL)
        row = cursor.fetchone()
    return None if row is None else int(row[0])


def request_token(request: Any) -> int | None:
    """The token as ``request`` (Django's or DRF's) first read it: one query per request;
    None while the API cache is off (``API_CACHE_SECONDS=0``).

    A request that reads the token before the data it caches can only store data at
    least as new as the token; later readers with a newer token never see that entry.
    """
    if not settings.API_CACHE_SECONDS:
        return None
    http_request = getattr(request, "_request", request)
    if not hasattr(http_request, "_apicache_token"):
        http_request._apicache_token = current_token()
    token: int | None = http_request._apicache_token
    return token
