"""HTTP validators for the reads that clients poll: ``ETag``, and 304 for ``If-None-Match``.

The ETag is Django's (``ConditionalGetMiddleware``): a hash of the rendered body, so it is
strong, and a 304 answers only for the very bytes the client already holds; a change to
anything the body shows changes it. The response is still built every time: a 304 saves
the transfer and the client's work, not the server's.

These responses depend on who asks (each caller's own rating; reviewers see more than
the public), so they vary on ``Authorization`` and ``Cookie``, and are ``private``
(no shared cache keeps them) and ``no-cache`` (clients revalidate before each use).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.utils.decorators import method_decorator
from django.views.decorators.cache import cache_control
from django.views.decorators.http import conditional_page
from django.views.decorators.vary import vary_on_headers

View = TypeVar("View", bound=Callable[..., Any])

_DECORATORS = (
    conditional_page,  # runs once the body is rendered, after DRF chose the renderer
    vary_on_headers("Authorization", "Cookie"),
    cache_control(private=True, no_cache=True),
)


def validated_per_caller(view_method: View) -> View:
    """Decorate a view set's action with a strong ETag, 304s, and caching per caller."""
    for decorator in _DECORATORS:
        view_method = method_decorator(decorator)(view_method)
    return view_method
