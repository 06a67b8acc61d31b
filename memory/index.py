"""Nearest claims by cosine similarity, behind an interface a vector database can fill.

``NumpyVectorIndex`` keeps every stored vector in one matrix in the process (100 MB
for 100,000 claims; a search scans them in about 10 ms), kept current from the
``ClaimVector`` table: one indexed ``Max(updated_at)`` per search says whether rows
changed, and only those are read. A deployment with pgvector plugs in its own class
through ``SIMILAR_CLAIMS_INDEX`` (see the README).
"""

from __future__ import annotations

import math
import threading
import time
from datetime import datetime
from typing import Any, Protocol

import numpy as np
from django.conf import settings
from django.db.models import Count, Max
from django.utils.module_loading import import_string

from memory.models import DIMENSIONS, ClaimVector

# How often the in-process index counts the table's rows to notice deleted ones.
RECOUNT_SECONDS = 60.0


class VectorIndex(Protocol):
    def search(
        self, vector: np.ndarray, *, exclude_article_id: int | None, limit: int
    ) -> list[tuple[int, float]]:
        """(claim id, cosine) of the ``limit`` nearest claims, nearest first."""
        ...


class NumpyVectorIndex:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._size = 0
        # Rows beyond _size are room for new vectors, so that adding one copies nothing.
        self._matrix = np.zeros((0, DIMENSIONS), dtype=np.float32)
        self._claim_ids = np.zeros(0, dtype=np.int64)
        self._article_ids = np.zeros(0, dtype=np.int64)
        self._row_of: dict[int, int] = {}
        self._last: datetime | None = None
        self._counted_at = -math.inf

    def _make_room(self, rows: int) -> None:
        if self._size + rows <= len(self._matrix):
            return
        capacity = max(self._size + rows, 2 * len(self._matrix), 1024)
        matrix = np.zeros((capacity, DIMENSIONS), dtype=np.float32)
        matrix[: self._size] = self._matrix[: self._size]
        claim_ids = np.zeros(capacity, dtype=np.int64)
        claim_ids[: self._size] = self._claim_ids[: self._size]
        article_ids = np.zeros(capacity, dtype=np.int64)
        article_ids[: self._size] = self._article_ids[: self._size]
        self._matrix, self._claim_ids, self._article_ids = matrix, claim_ids, article_ids

    def _put(self, claim_id: int, article_id: int, blob: bytes | memoryview) -> None:
        row = self._row_of.get(claim_id)
        if row is None:
            self._make_room(1)
            row = self._size
            self._size += 1
            self._row_of[claim_id] = row
            self._claim_ids[row], self._article_ids[row] = claim_id, article_id
        self._matrix[row] = np.frombuffer(blob, dtype="<f4")

    def _read(self, since: datetime | None) -> None:
        rows = ClaimVector.objects.all()
        if since is not None:
            rows = rows.filter(updated_at__gte=since)
        values = rows.values_list("claim_id", "claim__article_id", "vector", "updated_at")
        for claim_id, article_id, blob, updated_at in values.iterator(chunk_size=2000):
            self._put(claim_id, article_id, blob)
            self._last = updated_at if self._last is None else max(self._last, updated_at)

    def _reload(self, count: int) -> None:
        self._size, self._row_of, self._last = 0, {}, None
        self._matrix = np.zeros((0, DIMENSIONS), dtype=np.float32)
        self._make_room(count)  # filled in place: the matrix is the one copy held
        self._read(since=None)

    def refresh(self) -> None:
        # Counting the rows scans the table (40 ms at 100,000 on PostgreSQL), so deleted
        # rows are looked for every RECOUNT_SECONDS only; until then a deleted claim's
        # vector just takes a place among the candidates, which are read from the claims.
        recount = time.monotonic() - self._counted_at >= RECOUNT_SECONDS
        fields: dict[str, Any] = {"last": Max("updated_at")}
        if recount:
            fields["count"] = Count("pk")
        state = ClaimVector.objects.aggregate(**fields)
        with self._lock:
            if recount:
                self._counted_at = time.monotonic()
                if self._last is None:
                    self._reload(state["count"])
                    return
            if state["last"] is not None and (self._last is None or state["last"] > self._last):
                self._read(since=self._last)
            if recount and state["count"] != self._size:  # rows were deleted
                self._reload(state["count"])

    def search(
        self, vector: np.ndarray, *, exclude_article_id: int | None, limit: int
    ) -> list[tuple[int, float]]:
        self.refresh()
        size = self._size
        if not size or limit <= 0:
            return []
        scores = self._matrix[:size] @ vector.astype(np.float32)
        if exclude_article_id is not None:
            scores[self._article_ids[:size] == exclude_article_id] = -np.inf
        limit = min(limit, size)
        top = np.argpartition(-scores, limit - 1)[:limit]
        top = top[np.argsort(-scores[top])]
        claim_ids = self._claim_ids
        return [(int(claim_ids[i]), float(scores[i])) for i in top if np.isfinite(scores[i])]


_index: VectorIndex | None = None


def get_index() -> VectorIndex:
    """The process's index, of the class named by ``SIMILAR_CLAIMS_INDEX``."""
    global _index
    if _index is None:
        _index = import_string(settings.SIMILAR_CLAIMS_INDEX)()
    return _index


def reset() -> None:
    """Forget the process's index (tests: the database it mirrored was rolled back)."""
    global _index
    _index = None
