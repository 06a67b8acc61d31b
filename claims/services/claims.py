from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from claims import policies, stamps
from claims.errors import AmbiguousQuote, QuoteNotFound
from claims.history import save_as
from claims.models import AnchorState, Article, Claim, Claimant, ClaimKind, Source
from claims.services.claimants import NewClaimant, article_appearance, claimant_resolve
from claims.tasks import enqueue_claim_verification
from texts.anchoring import Span, find_spans, span_at
from texts.textnorm import clean_line, is_blank, nfc


def locate_quote(
    *, article: Article, quote: str = "", start: int | None = None, end: int | None = None
) -> Span:
    """Where a claim stands: check explicit offsets, or find the quote's only occurrence."""
    text = article.text
    if start is not None or end is not None:
        if start is None or end is None:
            raise ValidationError(
                "Give both start and end offsets, or neither.", code="offsets_incomplete"
            )
        if not 0 <= start < end <= len(text):
            raise ValidationError(
                f"Offsets {start}-{end} are outside the article's text (0-{len(text)}) "
                "or cover nothing.",
                code="offsets_out_of_range",
            )
        if quote and nfc(text[start:end]) != nfc(quote):
            raise ValidationError(
                f"The text at {start}-{end} is {text[start:end]!r}, not the quote given.",
                code="quote_mismatch",
            )
        return span_at(text, start, end)
    if is_blank(quote):
        raise ValidationError("Give the quote, or its start and end offsets.", code="empty")
    spans = find_spans(text, quote)
    if not spans:
        raise QuoteNotFound(quote.strip())
    if len(spans) > 1:
        raise AmbiguousQuote(quote.strip(), spans)
    return spans[0]


def _article_sources(article: Article, sources: Iterable[Source]) -> list[Source]:
    sources = list(sources)
    foreign = [source.pk for source in sources if source.article_id != article.pk]
    if foreign:
        raise ValidationError(
            {"sources": f"Sources {foreign} belong to another article."}, code="foreign_source"
        )
    return sources


def claim_number_next(*, article: Article) -> int:
    """Count up the article's claim numbers and return the new one.

    The UPDATE locks the article's row until the transaction ends, so concurrent claims of
    one article get distinct numbers; a number, once counted, is not given again (unless
    the transaction that counted it rolls back, and its claim with it).
    """
    with transaction.atomic():
        Article.objects.filter(pk=article.pk).update(last_claim_number=F("last_claim_number") + 1)
        number: int = (
            Article.objects.filter(pk=article.pk).values_list("last_claim_number", flat=True).get()
        )
    article.last_claim_number = number
    return number


@transaction.atomic
def claim_create(
    *,
    article: Article,
    created_by: Any,
    quote: str = "",
    start: int | None = None,
    end: int | None = None,
    kind: str = ClaimKind.FACTUAL,
    sources: Iterable[Source] = (),
    claimant: Claimant | NewClaimant | None = None,
    summary: str = "",
    claim_date: date | None = None,
) -> Claim:
    """Mark a passage of an article as a claim to check; it takes the article's next number.

    ``claimant`` is who made it: an existing claimant, or a name and kind
    (``NewClaimant``). The claim's date is the article's unless given, and the
    article's URL, when it has one, is recorded as a page the claim appears on (not as
    its first appearance: that is a reviewer's finding).
    """
    policies.check_create_claim(created_by, article)
    span = locate_quote(article=article, quote=quote, start=start, end=end)
    claim = Claim(
        article=article,
        number=claim_number_next(article=article),
        quote=article.text[span.start : span.end],
        start=span.start,
        end=span.end,
        prefix=span.prefix,
        suffix=span.suffix,
        kind=kind,
        created_by=policies.person(created_by),
        summary=clean_line(summary),
        claim_date=claim_date or article.published_on,
        revision=article.revisions.order_by("-number").first(),
    )
    linked = _article_sources(article, sources)
    claim.full_clean(exclude=["claimant"])
    claim.claimant = claimant_resolve(claimant, user=created_by)
    try:
        with transaction.atomic():
            save_as(claim, created_by)
    except IntegrityError:  # the same passage, claimed concurrently
        raise ValidationError(
            "A claim on exactly this passage already exists.", code="duplicate"
        ) from None
    if linked:
        claim.sources.set(linked)
    article_appearance(claim, created_by)
    stamps.article_changed(article.pk)
    if claim.kind == ClaimKind.QUOTE:
        enqueue_claim_verification(claim.pk)
    return claim


@transaction.atomic
def claim_update(
    *,
    claim: Claim,
    user: Any,
    kind: str | None = None,
    sources: Iterable[Source] | None = None,
    start: int | None = None,
    end: int | None = None,
    quote: str = "",
) -> Claim:
    """Change a claim's kind, which of the article's sources it relies on, and its passage.

    A new passage is given by ``start`` and ``end`` (``quote``, if given too, must be the
    text there) or by ``quote`` alone (its only occurrence); its quote and context are
    taken from the article's text again. Its status changes only through the workflow
    (``editorial.services.workflow``). A quote claim is checked again against its sources.
    """
    policies.check_change_claim(user, claim)
    changed = []
    if start is not None or end is not None or quote:
        span = locate_quote(article=claim.article, quote=quote, start=start, end=end)
        if (span.start, span.end) != (claim.start, claim.end):
            policies.check_change_claim_span(user, claim, has_ratings=claim.ratings.exists())
            if claim.anchor_state == AnchorState.ORPHANED:  # placed in the latest revision
                claim.quote_as_marked = claim.quote_as_marked or claim.quote
                claim.anchor_state, claim.anchor_candidate = AnchorState.CHANGED, {}
                claim.revision = claim.article.revisions.order_by("-number").first()
                changed += ["anchor_state", "anchor_candidate", "quote_as_marked", "revision"]
            claim.start, claim.end = span.start, span.end
            claim.quote = claim.article.text[span.start : span.end]
            claim.prefix, claim.suffix = span.prefix, span.suffix
            changed += ["start", "end", "quote", "prefix", "suffix"]
    if kind is not None and kind != claim.kind:
        claim.kind = kind
        changed.append("kind")
    if changed:
        claim.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                save_as(claim, user, update_fields=[*changed, "updated_at"])
        except IntegrityError:  # another claim already covers exactly these words
            raise ValidationError(
                "A claim on exactly this passage already exists.", code="duplicate"
            ) from None
    if sources is not None:
        linked = _article_sources(claim.article, sources)
        claim._history_user = policies.person(user)  # type: ignore[attr-defined]
        claim.sources.set(linked)
    if changed or sources is not None:
        enqueue_claim_verification(claim.pk)
        stamps.article_changed(claim.article_id)
    return claim


def claim_delete(*, claim: Claim, user: Any) -> None:
    """Delete a claim; its history keeps it, with who deleted it."""
    policies.check_delete_claim(user, claim, has_ratings=claim.ratings.exists())
    claim._history_user = policies.person(user)  # type: ignore[attr-defined]
    article_id = claim.article_id
    claim.delete()
    stamps.article_changed(article_id)
