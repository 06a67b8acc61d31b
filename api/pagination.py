from collections.abc import Callable, Sequence
from functools import partial
from typing import Any, cast

from django.db.models import QuerySet
from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from claims.paging import (
    CappedPaginator,
    RankedPaginator,
    decode_cursor,
    encode_cursor,
    keyset_after,
)


class PageNumberPagination(pagination.PageNumberPagination):
    """``?page=N&page_size=M``: DRF's count/next/previous/results envelope, bounded pages.

    ``count`` stops at ``LIST_COUNT_LIMIT``, or ``FILTERED_LIST_COUNT_LIMIT`` when one of
    the view's filters is given (``count_is_estimate`` then says there are more), and pages
    are numbered within those rows."""

    page_size_query_param = "page_size"
    paginator_class: type[CappedPaginator] = CappedPaginator
    filtered = False

    @property
    def django_paginator_class(self) -> Callable[..., CappedPaginator]:  # type: ignore[override]
        return partial(self.paginator_class, filtered=self.filtered)

    def paginate_queryset(
        self, queryset: QuerySet[Any], request: Request, view: Any = None
    ) -> list[Any] | None:
        self.filtered = _filtered(request, view)
        return super().paginate_queryset(queryset, request, view)

    @property
    def max_page_size(self) -> int:  # type: ignore[override]
        from django.conf import settings

        return settings.API_MAX_PAGE_SIZE

    def counted(self) -> tuple[int, bool]:
        assert self.page is not None
        paginator = cast(CappedPaginator, self.page.paginator)
        return paginator.count, paginator.count_is_estimate

    def get_paginated_response(self, data: Any) -> Response:
        count, estimate = self.counted()
        return Response(
            {
                "count": count,
                "count_is_estimate": estimate,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        envelope: dict[str, Any] = super().get_paginated_response_schema(schema)
        envelope["properties"]["count"]["description"] = (
            "How many results, counted up to LIST_COUNT_LIMIT (10,000 by default), or "
            "FILTERED_LIST_COUNT_LIMIT (1,000) when a filter is given; a search's up to "
            "SEARCH_RANK_LIMIT (2,000), past which the newest are ranked."
        )
        envelope["properties"]["count_is_estimate"] = {
            "type": "boolean",
            "description": "True when there are more results than `count` (the list was "
            "counted only up to its limit): follow `next` to reach them. A search ranks "
            "only the newest `count` of its matches: narrow it to reach the others.",
        }
        envelope["required"] = [*envelope.get("required", []), "count_is_estimate"]
        return envelope


def _filtered(request: Request, view: Any) -> bool:
    """Whether the request gives one of the view's filters (``filterset_class``)."""
    filterset = getattr(view, "filterset_class", None)
    names = filterset.base_filters if filterset is not None else ()
    return any(request.query_params.get(name) for name in names)


class KeysetPagination(PageNumberPagination):
    """Pages by number as ``PageNumberPagination``, and past them (or from any ``next``
    link beyond the counted rows) by keyset: ``?cursor=`` names the last row seen, and
    the page is the rows after it in the list's default order, found through an index
    at the same cost wherever it is. A cursor page has no ``previous`` link."""

    keyset: Sequence[str] = ()

    def paginate_queryset(
        self, queryset: QuerySet[Any], request: Request, view: Any = None
    ) -> list[Any] | None:
        self.request = request
        self.cursor_rows: list[Any] | None = None
        cursor = request.query_params.get("cursor")
        if cursor is None:
            return super().paginate_queryset(queryset, request, view)
        self.filtered = _filtered(request, view)
        if any(request.query_params.get(name) for name in ("ordering", "page", "search")):
            raise ValidationError(
                {
                    "cursor": [
                        "A cursor follows the list's default order: send no ordering, "
                        "page or search."
                    ]
                }
            )
        values = decode_cursor(cursor, length=len(self.keyset))
        if values is None:
            raise ValidationError({"cursor": ["Not a cursor of this list: follow a next link."]})
        size = self.get_page_size(request) or 1
        self.counter = self.django_paginator_class(queryset, size)
        rows = list(keyset_after(queryset, self.keyset, values)[: size + 1])
        self.more = len(rows) > size
        self.cursor_rows = rows[:size]
        return self.cursor_rows

    def counted(self) -> tuple[int, bool]:
        if self.cursor_rows is None:
            return super().counted()
        return self.counter.count, self.counter.count_is_estimate

    def _cursor_link(self, row: Any) -> str:
        assert self.request is not None
        url = self.request.build_absolute_uri()
        url = remove_query_param(url, self.page_query_param)
        position = [
            row[name] if isinstance(row, dict) else getattr(row, name) for name in self.keyset
        ]
        return replace_query_param(url, "cursor", encode_cursor(position))

    def get_next_link(self) -> str | None:
        if self.cursor_rows is not None:
            return self._cursor_link(self.cursor_rows[-1]) if self.more else None
        link = super().get_next_link()
        page, request = self.page, self.request
        assert page is not None
        assert request is not None
        # A search is ranked within the counted rows: past them there is nothing to follow.
        ranked = getattr(page.paginator, "ranked", False)
        ordered = not request.query_params.get("ordering") and not ranked
        _, estimate = self.counted()
        if link is None and estimate and ordered and page.object_list:
            return self._cursor_link(page.object_list[-1])
        return link

    def get_previous_link(self) -> str | None:
        return None if self.cursor_rows is not None else super().get_previous_link()


class ClaimPagination(KeysetPagination):
    """The claims list, in its default order: article, place in the text, id; a search's
    page by its ids first (``RankedPaginator``)."""

    paginator_class = RankedPaginator

    keyset = ("article_id", "start", "id")


class RatingPagination(PageNumberPagination):
    """A claim's ratings, and whether the other reviewers' ratings are hidden from the caller
    (the view adds ``others_hidden`` and ``hidden_reason`` to the envelope)."""

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        envelope: dict[str, Any] = super().get_paginated_response_schema(schema)
        envelope["properties"]["others_hidden"] = {
            "type": "boolean",
            "description": "True while the other reviewers' ratings are hidden from you: "
            "`results` then holds only your own (ratings are independent until you have "
            "rated the claim or it is published).",
        }
        envelope["properties"]["hidden_reason"] = {
            "type": "string",
            "nullable": True,
            "description": "Why the others' ratings are hidden; null when they are not.",
        }
        envelope["required"] = [*envelope.get("required", []), "others_hidden", "hidden_reason"]
        return envelope
