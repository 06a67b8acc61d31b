"""Search engines index the public pages only.

Every response says ``X-Robots-Tag: noindex`` (the reviewers' UI, sign-in, the admin, the
API) unless its view is marked ``@indexable``; the layout's ``robots`` block says the same
in a ``<meta>`` tag, which the public templates empty.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.http import HttpRequest, HttpResponse

View = TypeVar("View", bound=Callable[..., Any])

NOINDEX = "noindex"


def indexable(view: View) -> View:
    """Let search engines index this view's pages."""
    view.indexable = True  # type: ignore[attr-defined]
    return view


class RobotsTagMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not getattr(request, "indexable", False) and "X-Robots-Tag" not in response:
            response["X-Robots-Tag"] = NOINDEX
        return response

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> None:
        request.indexable = getattr(view, "indexable", False)  # type: ignore[attr-defined]
