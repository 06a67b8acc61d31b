"""Pages of long lists that cost the same at 1,000 rows as at 100,000.

``CappedPaginator`` counts at most ``LIST_COUNT_LIMIT`` rows (a ``COUNT(*)`` over a
``LIMIT``), so a list of 100,000 claims is not counted row by row on every page: past
the limit, ``count`` is the limit and ``count_is_estimate`` is true ("more than").
A list narrowed by filters is counted up to ``FILTERED_LIST_COUNT_LIMIT`` (1,000): each
row it counts is a row found through joins and the caller's visibility rule, not an
index entry, so 10,000 of them cost a filtered list ten times its page.
Pages are numbered within the counted rows; lists that go further are walked by
keyset (``keyset_after``): "the rows after this one in this order", which an index
finds at once wherever it is, where an ``OFFSET`` reads every row before it.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from functools import cached_property
from typing import Any, cast

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Count, F, Min, Q, QuerySet
from django.db.models.query import FlatValuesListIterable, ModelIterable, ValuesIterable

from claims.search import RANK, newest_first


class CappedPaginator(Paginator):
    count_is_estimate = False

    def __init__(self, *args: Any, filtered: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filtered = filtered

    @property
    def count_limit(self) -> int:
        """How many rows this list counts: fewer when filters narrow it."""
        if self.filtered:
            return min(settings.FILTERED_LIST_COUNT_LIMIT, settings.LIST_COUNT_LIMIT)
        return settings.LIST_COUNT_LIMIT

    @cached_property
    def count(self) -> int:
        limit = self.count_limit
        rows = self.object_list
        if not isinstance(rows, QuerySet):
            return len(rows)
        # Only the rows' keys, unordered: the page's columns and order are not needed to count.
        counted = rows.order_by().values("pk")[: limit + 1].count()
        self.count_is_estimate = counted > limit
        return min(counted, limit)

    def page(self, number: Any) -> Any:
        number = self.validate_number(number)  # counts
        bottom, top = self._bounds(number)
        return self._get_page(self.object_list[bottom:top], number, self)  # type: ignore[attr-defined]

    def _bounds(self, number: int) -> tuple[int, int]:
        """The slice of page ``number`` (valid, so counted)."""
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        # The last counted page is a full page when there are more rows than counted.
        if not self.count_is_estimate and top + self.orphans >= self.count:
            top = self.count
        return bottom, top

    def _page_of_ids(self, rows: QuerySet[Any], ids: list[Any], number: int) -> Any:
        """Page ``number`` holding the rows of ``rows`` with these ids, in their order."""
        if rows._iterable_class is FlatValuesListIterable:  # the list is of ids already
            return self._get_page(ids, number, self)  # type: ignore[attr-defined]
        return self._get_page(rows_of_ids(rows, ids), number, self)  # type: ignore[attr-defined]


def rows_of_ids(rows: QuerySet[Any], ids: list[Any]) -> list[Any]:
    """The rows of ``rows`` with these ids, in the ids' order (one query)."""
    by_id = {_key(row): row for row in rows.filter(pk__in=ids)}
    return [by_id[pk] for pk in ids if pk in by_id]


class RankedPaginator(CappedPaginator):
    """``CappedPaginator`` for a ranked search (``claims.search.matching``), any other
    list being paged as ``CappedPaginator`` pages it.

    Ranking costs a little for every match, and at 100,000 claims a common word matches
    tens of thousands: a search counts up to ``SEARCH_RANK_LIMIT`` matches, and past it
    ranks the newest ``SEARCH_RANK_LIMIT`` of them (the rows the pages are numbered
    within), found by the one query that counts. A page is read by its ids first, then
    the rows of those ids with everything they show, so only a page of matches is joined
    to its related rows; so is any other list's page past the first, whose OFFSET then
    skips index entries rather than joined rows. ``rank_floor`` is the id the ranked rows
    are newer than."""

    rank_floor: int | None = None

    @property
    def ranked(self) -> bool:
        return _ranked(self.object_list)

    @cached_property
    def count(self) -> int:
        if not self.ranked:
            return super().count
        limit = settings.SEARCH_RANK_LIMIT
        # One query counts the newest matches up to one past the limit and finds the
        # oldest of them: past the limit, that is the floor the ranked rows are above.
        rows = cast(QuerySet[Any], self.object_list)
        newest = newest_first(rows).values("pk")[: limit + 1]
        found = newest.aggregate(rows=Count("pk"), oldest=Min("pk"))
        self.count_is_estimate = found["rows"] > limit
        if self.count_is_estimate:
            self.rank_floor = found["oldest"]
        return min(found["rows"], limit)

    def page(self, number: Any) -> Any:
        rows = cast(QuerySet[Any], self.object_list)
        if not self.ranked:
            if str(number) == "1" or not _of_models(rows):
                return super().page(number)
            # Past the first page, the page's ids first: an OFFSET then skips index
            # entries, not rows joined to everything the list shows.
            number = self.validate_number(number)
            bottom, top = self._bounds(number)
            ids = list(rows.values_list("pk", flat=True)[bottom:top])
            return self._page_of_ids(rows, ids, number)
        if rows.query.order_by == (f"-{RANK}", "-pk") and not self.orphans:
            found = self._best_first(rows, number)
            if found is not None:
                return found
        number = self.validate_number(number)  # counts, and finds the floor
        bottom, top = self._bounds(number)
        if self.rank_floor is not None:
            rows = rows.filter(pk__gt=self.rank_floor)
        return self._page_of_ids(rows, list(rows.values_list("pk", flat=True)[bottom:top]), number)

    def _best_first(self, rows: QuerySet[Any], number: Any) -> Any:
        """The page of a search in its own order (best first) by one query that ranks
        the newest matches, counts them and keeps the page's ids; None when the page has
        no row (past the end, or no match), which the counting path then explains."""
        try:
            wanted = int(number)
        except (TypeError, ValueError):
            return None  # validate_number says why
        if wanted < 1:
            return None
        limit = settings.SEARCH_RANK_LIMIT
        newest = newest_first(rows).annotate(best=F(RANK)).values("pk", "best")[: limit + 1]
        sql, params = newest.query.sql_with_params()
        # Past the limit, the oldest of the newest limit + 1 is the floor: not ranked.
        ranked = (
            "SELECT pk, total FROM (SELECT pk, best, COUNT(*) OVER () AS total, "
            f"MIN(pk) OVER () AS oldest FROM ({sql}) newest) counted "
            "WHERE total <= %s OR pk <> oldest ORDER BY best DESC, pk DESC LIMIT %s OFFSET %s"
        )
        with connections[rows.db].cursor() as cursor:
            cursor.execute(ranked, [*params, limit, self.per_page, (wanted - 1) * self.per_page])
            found = cursor.fetchall()
        if not found:
            return None
        total = found[0][1]
        self.count_is_estimate = total > limit
        self.__dict__["count"] = min(total, limit)  # the cached property, counted here
        return self._page_of_ids(rows, [pk for pk, _ in found], self.validate_number(wanted))


def _of_models(rows: Any) -> bool:
    """A queryset of models or of ``values()`` dicts (not of bare ids)."""
    return isinstance(rows, QuerySet) and rows._iterable_class in (ModelIterable, ValuesIterable)


def _ranked(rows: Any) -> bool:
    return isinstance(rows, QuerySet) and RANK in rows.query.annotations


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


__all__ = [
    "CappedPaginator",
    "RankedPaginator",
    "decode_cursor",
    "encode_cursor",
    "keyset_after",
    "rows_of_ids",
]
