"""Pages that update themselves: what an open reader or claim page polls.

The answer is a 304 while nothing changed: its ETag is the article's change stamp
(``claims.stamps``), who else is here and the reader's unread count. When it changed,
the answer carries the new stamp (``X-Live-Stamp``) and the elements to swap in by id:
who is here and, where the inbox exists, its badge (``#inbox-badge``).

The page says which stamp it shows (``?since=``). When the changes since then are known
and touch only parts a claim's page can send alone (a comment: the discussion), the
answer names them (``X-Live-Parts``) and carries them; else it says ``*``, and the page
(``web/static/web/app.js``) fetches its own address again. Either way the page swaps in
the parts that changed, never a form the reader is filling in.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_safe

from claims import stamps
from notifications.selectors import unread_count
from web import presence, selectors
from web.views.claim_parts import claim_parts_html
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


# The parts of each page (``web.views.claim_parts``) that each kind of change touches:
# none, for a page that does not show it; any other change is fetched whole.
CLAIM_PAGE_CHANGES: dict[str, tuple[str, ...]] = {
    stamps.COMMENTS: ("claim-discussion",),
    stamps.COMMENTS_CORRECTED: ("claim-discussion", "history"),
}
READER_CHANGES: dict[str, tuple[str, ...]] = {  # the reader shows no discussion
    stamps.COMMENTS: (),
    stamps.COMMENTS_CORRECTED: (),
}


@require_safe
@reviewer_required
def article_live(request: HttpRequest, article_id: int) -> HttpResponse:
    stamp = stamps.article_stamp(article_id)

    def changes(since: int) -> tuple[str, str]:
        assert stamp is not None
        regions = _regions(READER_CHANGES, article_id, since, stamp)
        return ("*" if regions is None else " ".join(regions)), ""

    return _answer(request, stamp, f"article:{article_id}", changes=changes)


@require_safe
@reviewer_required
def claim_live(request: HttpRequest, claim_id: int) -> HttpResponse:
    found = stamps.claim_stamp(claim_id)
    if found is None:
        raise Http404("No such page.")
    article_id, stamp = found

    def changes(since: int) -> tuple[str, str]:
        regions = _regions(CLAIM_PAGE_CHANGES, article_id, since, stamp)
        if regions is None:
            return "*", ""
        claim = selectors.claim_for_parts(claim_id) if regions else None
        if regions and claim is None:
            return "*", ""
        html = claim_parts_html(request, claim, regions) if claim is not None else ""
        return " ".join(regions), html

    return _answer(request, stamp, f"claim:{claim_id}", changes=changes)


def _regions(
    changes: dict[str, tuple[str, ...]], article_id: int, since: int, stamp: int
) -> list[str] | None:
    """The ids of the page's parts that changed since the stamp it shows (maybe none),
    or None for the whole page."""
    regions: list[str] = []
    for part in sorted(stamps.changed_parts(article_id, since, stamp)):
        if part not in changes:
            return None
        regions += [region for region in changes[part] if region not in regions]
    return regions


def _answer(
    request: HttpRequest,
    stamp: int | None,
    page: str,
    *,
    changes: Callable[[int], tuple[str, str]] | None,
) -> HttpResponse:
    """304 while the page is up to date. Else the state, the stamp and, when the page
    said which stamp it shows (``?since=``), which of its parts changed
    (``X-Live-Parts``: their ids, maybe none, or ``*`` for all), with those parts."""
    if stamp is None:
        raise Http404("No such page.")
    here = presence.sentence(presence.look(page, request.user))
    # What the state shows, without rendering it: a 304 renders nothing.
    shown = f"{request.user.pk}|{here}|{unread_count(request.user)}"
    digest = hashlib.blake2b(shown.encode(), digest_size=8).hexdigest()
    etag = f'"{stamp}-{digest}"'
    if etag in _etags(request.headers.get("If-None-Match", "")):
        response: HttpResponse = HttpResponseNotModified()
    else:
        state = render_to_string("web/_live_state.html", {"here": here}, request=request)
        since = request.GET.get("since", "")
        parts, carried = "*", ""
        if changes is not None and since.isdigit() and len(since) < 12 and int(since) < stamp:
            parts, carried = changes(int(since))
        response = HttpResponse(state + carried)
        response["X-Live-Stamp"] = str(stamp)
        response["X-Live-Parts"] = parts
    response["ETag"] = etag
    # The page sends If-None-Match itself: no cache in between keeps a copy.
    response["Cache-Control"] = "no-store"
    return response


def _etags(header: str) -> set[str]:
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}
