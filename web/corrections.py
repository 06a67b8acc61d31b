"""What the claim page offers to correct, and to whom: ``claims.policies`` decides."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from claims import policies
from claims.models import Claim, Evidence, Rating
from editorial.models import Comment
from web import forms


def claim_corrections(
    user: Any,
    claim: Claim,
    *,
    ratings: Sequence[Rating],
    evidence: Sequence[Evidence],
    bound: dict[str, Any],
) -> dict[str, Any]:
    """The claim page's correction forms; ``bound`` holds one that came back with errors.

    Each piece of evidence the user may change gets ``may_change`` and its ``edit_form``
    (the comments get theirs from ``comment_corrections``).
    """
    has_ratings = bool(ratings)
    may_change = policies.can_change_claim(user, claim)
    edit_form = bound.get("claim_edit_form") or forms.ClaimEditForm(
        article=claim.article,
        initial={"kind": claim.kind, "sources": [source.pk for source in claim.sources.all()]},
    )
    evidence_corrections(user, evidence, bound=bound)
    return {
        "may_change_claim": may_change,
        "may_move_claim": may_change
        and policies.can_change_claim_span(user, claim, has_ratings=has_ratings),
        "may_delete_claim": policies.can_delete_claim(user, claim, has_ratings=has_ratings),
        "claim_edit_form": edit_form,
        "span_form": bound.get("span_form") or forms.ClaimSpanForm(initial={"quote": claim.quote}),
        "edit_source_choices": list(claim.article.sources.order_by("position"))
        if may_change
        else [],
        "corrections_open": any(key in bound for key in ("claim_edit_form", "span_form")),
    }


def comment_corrections(
    user: Any, comments: Sequence[Comment], *, bound: dict[str, Any] | None = None
) -> None:
    """Give each comment ``may_change`` and, where the user may, its ``edit_form``."""
    for comment in comments:
        comment.may_change = policies.can_change_comment(user, comment)  # type: ignore[attr-defined]
        if comment.may_change:  # type: ignore[attr-defined]
            failed = forms.failed_form_of(
                bound or {}, "comment_edit_form", "comment_id", comment.pk
            )
            comment.edit_form = failed or forms.CommentEditForm(  # type: ignore[attr-defined]
                comment_id=comment.pk, initial={"body": comment.body}
            )


def evidence_corrections(
    user: Any, evidence: Sequence[Evidence], *, bound: dict[str, Any] | None = None
) -> None:
    """Give each piece of evidence ``may_change`` and, where the user may, its
    ``edit_form`` (the claim page, and each item the page's poller swaps in)."""
    for item in evidence:
        item.may_change = policies.can_change_evidence(user, item)  # type: ignore[attr-defined]
        if item.may_change:  # type: ignore[attr-defined]
            failed = forms.failed_form_of(bound or {}, "evidence_edit_form", "evidence_id", item.pk)
            item.edit_form = failed or forms.EvidenceEditForm(  # type: ignore[attr-defined]
                evidence_id=item.pk,
                initial={
                    "stance": item.stance,
                    "url": item.url,
                    "excerpt": item.excerpt,
                    "note": item.note,
                },
            )
