"""Pages of long lists that cost the same at 1,000 rows as at 100,000.

``CappedPaginator`` counts at most ``LIST_COUNT_LIMIT`` rows (a ``COUNT(*)`` over a
``LIMIT``), so a list of 100,000 claims is not counted row by row on every page: past
the limit, ``count`` is the limit and ``count_is_estimate`` is true ("more than").
Pages are numbered within the counted rows; lists that go further are walked by
keyset (``keyset_after``): "the rows after this one in this order", which an index
finds at once wherever it is, where an ``OFFSET`` reads every row before it.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from functools import cached_property
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet

from claims.search import RANK


class CappedPaginator(Paginator):
    count_is_estimate = False

    @cached_property
    def count(self) -> int:
        limit = settings.LIST_COUNT_LIMIT
        rows = self.object_list
        if not isinstance(rows, QuerySet):
            return len(rows)
        # Only the rows' keys, unordered: the page's columns and order are not needed to count.
        counted = rows.order_by().values("pk")[: limit + 1].count()
        self.count_is_estimate = counted > limit
        return min(counted, limit)

    def page(self, number: Any) -> Any:
        number = self.validate_number(number)  # counts
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        # The last counted page is a full page when there are more rows than counted.
        if not self.count_is_estimate and top + self.orphans >= self.count:
            top = self.count
        return self._get_page(self.object_list[bottom:top], number, self)  # type: ignore[attr-defined]


class RankedPaginator(CappedPaginator):
    """``CappedPaginator`` that reads a ranked search's page by its ids first, then the
    rows of those ids with everything they show. Ranking every match is unavoidable;
    joining every match to its related rows before keeping a page of them is not, and
    at 100,000 claims a common word matches tens of thousands. Other lists are read as
    one query, which their indexes answer in order."""

    def page(self, number: Any) -> Any:
        page = super().page(number)
        rows = self.object_list
        if not isinstance(rows, QuerySet) or RANK not in rows.query.annotations:
            return page
        ids = list(page.object_list.values_list("pk", flat=True))
        found = {_key(row): row for row in rows.filter(pk__in=ids)}
        page.object_list = [found[pk] for pk in ids if pk in found]
        return page


def _key(row: Any) -> Any:
    """A row's primary key, whether the list holds models or ``values()`` dicts."""
    return row.get("pk", row.get("id")) if isinstance(row, dict) else row.pk


def encode_cursor(values: Sequence[int]) -> str:
    """The position of a row in a keyset order: its ordering values, URL-safe."""
    text = ".".join(str(int(value)) for value in values)
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, *, length: int) -> tuple[int, ...] | None:
    """The values ``encode_cursor`` wrote, or None for anything else."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        values = tuple(int(part) for part in text.split("."))
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return values if len(values) == length and all(v >= 0 for v in values) else None


def keyset_after(
    rows: QuerySet[Any], fields: Sequence[str], values: Sequence[int]
) -> QuerySet[Any]:
    """The rows after ``values`` in the ascending order of ``fields`` (the last one unique):
    ``(a, b, c) > (x, y, z)`` spelled so that an index on ``fields`` answers it."""
    after = Q()
    for index, name in enumerate(fields):
        equal = {fields[k]: values[k] for k in range(index)}
        after |= Q(**equal, **{f"{name}__gt": values[index]})
    # The first field's bound lets the index scan start at the cursor, not at the top.
    return rows.filter(after, **{f"{fields[0]}__gte": values[0]}).order_by(*fields)


def keyset_values(row: Any, fields: Sequence[str]) -> list[int]:
    return [row[name] if isinstance(row, dict) else getattr(row, name) for name in fields]


__all__ = ["CappedPaginator", "decode_cursor", "encode_cursor", "keyset_after"]
