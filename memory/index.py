"""Nearest claims by cosine similarity, behind an interface a vector database can fill.

``NumpyVectorIndex`` keeps every stored vector in one matrix in the process, refreshed
from the ``ClaimVector`` table when it changes (one aggregate query per search says
whether it did; new and changed rows are read alone, a deletion reloads all). 100,000
claims take 100 MB and a search scans them in a few milliseconds. A deployment with
pgvector plugs in its own class through ``SIMILAR_CLAIMS_INDEX`` (see the README).
"""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Protocol

import numpy as np
from django.conf import settings
from django.db.models import Count, Max
from django.utils.module_loading import import_string

from memory.models import DIMENSIONS, ClaimVector


class VectorIndex(Protocol):
    def search(
        self, vector: np.ndarray, *, exclude_article_id: int | None, limit: int
    ) -> list[tuple[int, float]]:
        """(claim id, cosine) of the ``limit`` nearest claims, nearest first."""
        ...


class NumpyVectorIndex:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._matrix = np.zeros((0, DIMENSIONS), dtype=np.float32)
        self._claim_ids = np.zeros(0, dtype=np.int64)
        self._article_ids = np.zeros(0, dtype=np.int64)
        self._row_of: dict[int, int] = {}
        self._count = 0
        self._last: datetime | None = None

    def _reload(self, count: int, last: datetime | None) -> None:
        # Filled in place, row by row: the matrix is the only copy of the vectors held.
        matrix = np.empty((count, DIMENSIONS), dtype=np.float32)
        claim_ids = np.empty(count, dtype=np.int64)
        article_ids = np.empty(count, dtype=np.int64)
        rows = ClaimVector.objects.values_list("claim_id", "claim__article_id", "vector")
        filled = 0
        for claim_id, article_id, blob in rows.iterator(chunk_size=2000):
            if filled == len(matrix):  # rows added since the count: make room
                grow = max(1024, len(matrix) // 8)
                matrix = np.concatenate([matrix, np.empty((grow, DIMENSIONS), np.float32)])
                claim_ids = np.concatenate([claim_ids, np.empty(grow, np.int64)])
                article_ids = np.concatenate([article_ids, np.empty(grow, np.int64)])
            matrix[filled] = np.frombuffer(blob, dtype="<f4")
            claim_ids[filled], article_ids[filled] = claim_id, article_id
            filled += 1
        self._matrix = matrix[:filled]
        self._claim_ids = claim_ids[:filled]
        self._article_ids = article_ids[:filled]
        self._row_of = {int(claim_id): row for row, claim_id in enumerate(self._claim_ids)}
        self._count, self._last = filled, last

    def _apply_changes(self, since: datetime) -> None:
        rows = ClaimVector.objects.filter(updated_at__gte=since).values_list(
            "claim_id", "claim__article_id", "vector", "updated_at"
        )
        matrix = self._matrix.copy()
        added_ids, added_articles, added = [], [], []
        for claim_id, article_id, blob, updated_at in rows:
            vector = np.frombuffer(bytes(blob), dtype="<f4")
            row = self._row_of.get(claim_id)
            if row is None:
                added_ids.append(claim_id)
                added_articles.append(article_id)
                added.append(vector)
            else:
                matrix[row] = vector
            self._last = max(self._last or updated_at, updated_at)
        if added:
            start = len(self._claim_ids)
            matrix = np.vstack([matrix, np.stack(added)])
            self._claim_ids = np.concatenate([self._claim_ids, added_ids])
            self._article_ids = np.concatenate([self._article_ids, added_articles])
            self._row_of.update({c: start + i for i, c in enumerate(added_ids)})
        self._matrix = matrix
        self._count = len(self._claim_ids)

    def refresh(self) -> None:
        state = ClaimVector.objects.aggregate(count=Count("pk"), last=Max("updated_at"))
        with self._lock:
            if state["count"] == self._count and state["last"] == self._last:
                return
            if self._last is not None and state["last"] and state["last"] > self._last:
                self._apply_changes(self._last)
            if self._count != state["count"]:
                self._reload(state["count"], state["last"])

    def search(
        self, vector: np.ndarray, *, exclude_article_id: int | None, limit: int
    ) -> list[tuple[int, float]]:
        self.refresh()
        matrix, claim_ids, article_ids = self._matrix, self._claim_ids, self._article_ids
        if not len(claim_ids) or limit <= 0:
            return []
        scores = matrix @ vector.astype(np.float32)
        if exclude_article_id is not None:
            scores[article_ids == exclude_article_id] = -np.inf
        limit = min(limit, len(scores))
        top = np.argpartition(-scores, limit - 1)[:limit]
        top = top[np.argsort(-scores[top])]
        return [(int(claim_ids[i]), float(scores[i])) for i in top if np.isfinite(scores[i])]


_index: VectorIndex | None = None


def get_index() -> VectorIndex:
    """The process's index, of the class named by ``SIMILAR_CLAIMS_INDEX``."""
    global _index
    if _index is None:
        _index = import_string(settings.SIMILAR_CLAIMS_INDEX)()
    return _index
