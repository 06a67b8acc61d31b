"""New revisions of an article's text, and the claims a revision could not place.

The web reader, the API and the recheck job all come here (the job through
``claims.tasks.recheck_article_from_url``, which runs the same pipeline step).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from claims import events, policies
from claims.history import save_as
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
    CLAIM_ANCHOR_FIELDS,
    RevisionOutcome,
    first_revision,
    revision_apply,
)
from claims.tasks import (
    enqueue_article_recheck,
    enqueue_claim_verification,
    enqueue_source_fetches,
)
from texts.anchoring import same_words, span_at
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
    """An orphaned claim takes the passage offered for it in the latest revision, as
    changed words (its ratings are of the old ones)."""
    policies.check_revise_article(user, claim.article)
    _orphaned(claim)
    candidate = claim.anchor_candidate or {}
    if "start" not in candidate:
        raise ValidationError("This claim has no passage to take.", code="no_candidate")
    article = claim.article
    start, end = int(candidate["start"]), int(candidate["end"])
    if not 0 <= start < end <= len(article.text) or article.text[start:end] != candidate["text"]:
        raise ValidationError(
            "The passage offered is no longer in the article's text.", code="stale_candidate"
        )
    span = span_at(article.text, start, end)
    old_quote = claim.quote
    claim.quote_as_marked = claim.quote_as_marked or old_quote
    claim.start, claim.end, claim.quote = start, end, article.text[start:end]
    claim.prefix, claim.suffix = span.prefix, span.suffix
    claim.revision, claim.anchor_candidate = first_revision(article), {}
    if same_words(claim.quote_as_marked, claim.quote):
        claim.anchor_state, claim.quote_as_marked = AnchorState.CURRENT, ""
    else:
        claim.anchor_state = AnchorState.CHANGED
    try:
        with transaction.atomic():
            save_as(claim, user, update_fields=CLAIM_ANCHOR_FIELDS)
    except IntegrityError:
        raise ValidationError(
            "Another claim already stands on exactly this passage.", code="duplicate"
        ) from None
    events.emit(
        events.claim_wording_changed,
        claim=claim,
        old_quote=old_quote,
        new_quote=claim.quote,
        actor=user,
    )
    enqueue_claim_verification(claim.pk)
    return claim


def orphan_dismiss(*, claim: Claim, user: Any) -> Claim:
    """The claim is no longer in the article: it stays on the revision it was marked in,
    and later revisions no longer look for it."""
    policies.check_revise_article(user, claim.article)
    _orphaned(claim)
    claim.orphan_dismissed_at, claim.anchor_candidate = timezone.now(), {}
    save_as(claim, user, update_fields=["orphan_dismissed_at", "anchor_candidate", "updated_at"])
    return claim
