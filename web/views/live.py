"""Pages that update themselves: what an open reader or claim page polls.

The answer is a 304 while nothing changed: its ETag is the article's change stamp
(``claims.stamps``), who else is here and the reader's unread count. When it changed,
the answer carries the new stamp (``X-Live-Stamp``) and the elements to swap in by id:
who is here and, where the inbox exists, its badge (``#inbox-badge``). The page itself
(``web/static/web/app.js``) then fetches its own address again and swaps in the parts
that changed, never a form the reader is filling in.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_safe

from claims import stamps
from web import presence
from web.views.common import reviewer_required


def live_context(request: HttpRequest, *, stamp: int, page: str, url: str) -> dict[str, Any]:
    """What a page that updates itself renders (``web/_live.html``)."""
    return {
        "live": {
            "url": url,
            "stamp": stamp,
            "every": settings.LIVE_POLL_SECONDS,
            "here": presence.sentence(presence.look(page, request.user)),
        }
    }


def article_live_context(request: HttpRequest, article: Any) -> dict[str, Any]:
    url = reverse("web:article-live", args=[article.pk])
    return live_context(request, stamp=article.change_stamp, page=f"article:{article.pk}", url=url)


def claim_live_context(request: HttpRequest, claim: Any) -> dict[str, Any]:
    url = reverse("web:claim-live", args=[claim.pk])
    stamp = claim.article.change_stamp
    return live_context(request, stamp=stamp, page=f"claim:{claim.pk}", url=url)


@require_safe
@reviewer_required
def article_live(request: HttpRequest, article_id: int) -> HttpResponse:
    return _answer(request, stamps.article_stamp(article_id), f"article:{article_id}")


@require_safe
@reviewer_required
def claim_live(request: HttpRequest, claim_id: int) -> HttpResponse:
    return _answer(request, stamps.claim_stamp(claim_id), f"claim:{claim_id}")


def _answer(request: HttpRequest, stamp: int | None, page: str) -> HttpResponse:
    if stamp is None:
        raise Http404("No such page.")
    here = presence.sentence(presence.look(page, request.user))
    state = render_to_string("web/_live_state.html", {"here": here}, request=request)
    digest = hashlib.blake2b(f"{request.user.pk}|{state}".encode(), digest_size=8).hexdigest()
    etag = f'"{stamp}-{digest}"'
    if etag in _etags(request.headers.get("If-None-Match", "")):
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(state)
        response["X-Live-Stamp"] = str(stamp)
    response["ETag"] = etag
    # The page sends If-None-Match itself: no cache in between keeps a copy.
    response["Cache-Control"] = "no-store"
    return response


def _etags(header: str) -> set[str]:
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}
