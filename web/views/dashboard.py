from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from claims import policies
from claims.paging import CappedPaginator
from editorial.queues import QUEUES, queue_counts
from editorial.selectors import claims_with_open_correction_requests
from web import selectors
from web.verdicts import claim_look_for
from web.views.common import reviewer_required

ARTICLES_PER_PAGE = 25
QUEUE_LENGTH = 8


@require_safe
@reviewer_required
def dashboard(request: HttpRequest) -> HttpResponse:
    articles = CappedPaginator(selectors.dashboard_articles(), ARTICLES_PER_PAGE)
    queue = list(selectors.my_queue(request.user)[:QUEUE_LENGTH])
    awaiting = [] if queue else list(selectors.awaiting_my_rating(request.user)[:QUEUE_LENGTH])
    for claim in queue + awaiting:  # none rated by me yet
        claim.look = claim_look_for(request.user, claim, has_rated=False)  # type: ignore[attr-defined]
    context = {
        "articles": articles.get_page(request.GET.get("page")),
        "queue": queue,
        "awaiting": awaiting,
        "activity": selectors.recent_activity(viewer=request.user),
        "queues": _queues() if policies.is_editor(request.user) else [],
        "reported": list(claims_with_open_correction_requests()[:QUEUE_LENGTH])
        if policies.can_handle_correction_requests(request.user)
        else [],
    }
    return render(request, "web/dashboard.html", context)


def _queues() -> list[dict[str, object]]:
    """Every editors' queue with its count (one query)."""
    counts = queue_counts()
    return [{"queue": queue, "count": counts[name]} for name, queue in QUEUES.items()]
