"""API responses served from the cache until the data behind them changes.

An entry's key holds the data version token (``apicache.triggers``): any committed write
to what a cached response shows changes the token, so older entries are never read again
(they expire after ``API_CACHE_SECONDS``). The key also holds who asks (lists show the
caller's own rating; anonymous callers share entries), what they may see, the absolute
URI (query and host: pagination links are absolute) and the negotiated media type.

Authentication, permissions and throttling run before the cache is asked, as for any
request. Only 200 responses rendered as JSON are kept; a request inside a transaction,
or with ``API_CACHE_SECONDS=0``, is never served from the cache.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apicache import store
from apicache.version import request_token
from claims import policies


def _key(request: Request, token: int) -> str:
    user = request.user
    who = f"user{user.pk}" if user.is_authenticated else "anonymous"
    sees = "all" if policies.is_reviewer(user) else "published"
    page_sizes = f"{settings.API_PAGE_SIZE}/{settings.API_MAX_PAGE_SIZE}"
    asked = f"{request.accepted_media_type}\n{page_sizes}\n{request.build_absolute_uri()}"
    digest = hashlib.blake2b(asked.encode(), digest_size=16).hexdigest()
    return f"apicache:response:{token}:{who}:{sees}:{digest}"


def cached_response(
    request: Request, view: APIView, build: Callable[[], Response]
) -> HttpResponseBase:
    """The response ``build()`` would give, from the cache while the data is unchanged."""
    renderer = request.accepted_renderer
    token = request_token(request)
    if token is None or type(renderer) is not JSONRenderer:
        return build()
    key = _key(request, token)
    body = store.get(key)
    if body is None:
        response = build()
        if response.status_code != 200:
            return response
        context = view.get_renderer_context()
        body = renderer.render(response.data, request.accepted_media_type, context)
        store.put(key, body)
    return HttpResponse(body, content_type=renderer.media_type)
