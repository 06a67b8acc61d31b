"""New revisions of an article's text, and the claims a revision could not place.

The web reader, the API and the recheck job all come here (the job through
``claims.tasks.recheck_article_from_url``, which runs the same pipeline step).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from claims import policies
from claims.models import (
    AnchorState,
    Article,
    ArticleFormat,
    ArticleRevision,
    Claim,
    RevisionOrigin,
)
from claims.pipeline.article_fetch import url_imported
from claims.pipeline.article_store import decode_article, detect_format
from claims.pipeline.revisions import (
    RevisionOutcome,
    claim_dismiss_orphan,
    claim_move_to_candidate,
    revision_apply,
)
from claims.tasks import (
    enqueue_article_recheck,
    enqueue_claim_verification,
    enqueue_source_fetches,
)
from texts.extraction import extract


def article_revise(
    *,
    article: Article,
    user: Any,
    content: str | bytes,
    source_format: str | None = None,
    filename: str | None = None,
) -> RevisionOutcome:
    """Make a pasted (or uploaded) version the article's next revision, unless its text
    is the same as now; every claim and source is anchored in it again. Its format is
    the article's unless given (or told by ``filename``).

    Who may: ``policies.check_revise_article``.
    """
    policies.check_revise_article(user, article)
    text = decode_article(content)
    if source_format:
        fmt = ArticleFormat(source_format)
    else:  # as the file's name says, else as the article was
        fmt = detect_format(text, filename) if filename else ArticleFormat(article.source_format)
    with transaction.atomic():
        outcome = revision_apply(
            article_id=article.pk,
            document=extract(text, fmt),
            source_text=text,
            source_format=fmt,
            origin=RevisionOrigin.PASTED,
            user=user,
        )
        _queue_follow_ups(outcome)
    article.refresh_from_db()
    return outcome


def _queue_follow_ups(outcome: RevisionOutcome) -> None:
    enqueue_source_fetches(outcome.source_ids)
    for claim_id in outcome.claim_ids:
        enqueue_claim_verification(claim_id)


def can_check_for_updates(article: Article) -> bool:
    """Was the article imported from its URL, so that its page can be fetched again?"""
    return url_imported().filter(pk=article.pk).exists()


def is_url_imported(revisions: list[ArticleRevision]) -> bool:
    """``can_check_for_updates`` from the article's revisions, newest first, already read."""
    return (
        bool(revisions)
        and revisions[-1].number == 1
        and revisions[-1].origin == (RevisionOrigin.URL)
    )


def article_check_for_updates(*, article: Article, user: Any) -> None:
    """Fetch the article's page again in a worker; a changed text becomes a revision."""
    policies.check_revise_article(user, article)
    if not can_check_for_updates(article):
        raise ValidationError(
            "Only an article imported from its URL can be checked for updates: paste the "
            "new version instead.",
            code="not_url_imported",
        )
    enqueue_article_recheck(article.pk, user_id=policies.person(user) and user.pk)


def _orphaned(claim: Claim) -> None:
    if claim.anchor_state != AnchorState.ORPHANED or claim.orphan_dismissed_at is not None:
        raise ValidationError(
            "This claim is not waiting to be placed in the latest revision.", code="not_orphaned"
        )


@transaction.atomic
def orphan_accept(*, claim: Claim, user: Any) -> Claim:
    """An orphaned claim takes the passage offered for it; its words are marked changed."""
    policies.check_revise_article(user, claim.article)
    _orphaned(claim)
    claim = claim_move_to_candidate(claim, user=user)
    enqueue_claim_verification(claim.pk)
    return claim


def orphan_dismiss(*, claim: Claim, user: Any) -> Claim:
    """The claim is no longer in the article: it stays on the revision it was marked in."""
    policies.check_revise_article(user, claim.article)
    _orphaned(claim)
    return claim_dismiss_orphan(claim, user=user)
