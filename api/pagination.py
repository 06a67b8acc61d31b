from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    """``?page=N&page_size=M``: DRF's count/next/previous/results envelope, bounded pages."""

    page_size_query_param = "page_size"

    @property
    def max_page_size(self) -> int:  # type: ignore[override]
        from django.conf import settings

        return settings.API_MAX_PAGE_SIZE
