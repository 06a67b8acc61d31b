"""Parts of a claim's page that are fetched alone: what a page that updates itself asks
for, or is sent with the poll's answer (``web.views.live``), when only they changed.

The whole page (``web.views.claims.claim_page_response``) builds these parts from the
same functions, so a part fetched alone is the part of the page, byte for byte."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from claims import policies
from claims.models import Claim, Rating
from editorial.selectors import comment_list
from web import forms
from web.corrections import comment_corrections
from web.history import claim_history
from web.verdicts import ratings_hidden

# Each part (its element's id on the page) and what it shows.
CLAIM_PAGE_PARTS = {
    "claim-discussion": "web/claim/_discussion.html",
    "history": "web/claim/_history.html",
}


def claim_parts_html(request: HttpRequest, claim: Claim, parts: list[str]) -> str:
    """These parts (all in ``CLAIM_PAGE_PARTS``), each in an element of its id."""
    shown = [(part, CLAIM_PAGE_PARTS[part]) for part in parts]
    context: dict[str, Any] = {"claim": claim, "article": claim.article, "parts": shown}
    if "claim-discussion" in parts:
        context |= discussion_context(request, claim, {})
    if "history" in parts:
        mine = Rating.objects.filter(claim=claim, reviewer_id=request.user.pk).exists()
        context |= history_context(
            claim, hidden=ratings_hidden(request.user, claim, has_rated=mine)
        )
    return render_to_string("web/claim_parts.html", context, request=request)


def discussion_context(request: HttpRequest, claim: Claim, bound: dict[str, Any]) -> dict[str, Any]:
    """The claim's discussion: its comments, each with what the user may change of it;
    ``bound`` holds a comment form that came back with errors."""
    comments = list(comment_list(claim=claim))
    comment_corrections(request.user, comments, bound=bound)
    return {
        "comments": comments,
        "comment_form": bound.get("comment_form") or forms.CommentForm(),
        "can_comment": policies.can_comment_on_claim(request.user, claim)
        or "comment_form" in bound,
    }


def history_context(claim: Claim, *, hidden: bool) -> dict[str, Any]:
    """The claim's history, without the ratings' verdicts while they are ``hidden``."""
    return {"history": claim_history(claim, verdicts=not hidden)}
