from typing import Any

from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    """``?page=N&page_size=M``: DRF's count/next/previous/results envelope, bounded pages."""

    page_size_query_param = "page_size"

    @property
    def max_page_size(self) -> int:  # type: ignore[override]
        from django.conf import settings

        return settings.API_MAX_PAGE_SIZE


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
