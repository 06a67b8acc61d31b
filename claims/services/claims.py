from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from claims import policies
from claims.errors import AmbiguousQuote, QuoteNotFound
from claims.history import save_as
from claims.models import Article, Claim, Claimant, ClaimKind, Source
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
    """Mark a passage of an article as a claim to check.

    ``claimant`` is who made it: an existing claimant, or a name and kind
    (``NewClaimant``). The claim's date is the article's unless given, and the
    article's URL, when it has one, is recorded as a page the claim appears on (not as
    its first appearance: that is a reviewer's finding).
    """
    policies.check_create_claim(created_by, article)
    span = locate_quote(article=article, quote=quote, start=start, end=end)
    claim = Claim(
        article=article,
        quote=article.text[span.start : span.end],
        start=span.start,
        end=span.end,
        prefix=span.prefix,
        suffix=span.suffix,
        kind=kind,
        created_by=policies.person(created_by),
        summary=clean_line(summary),
        claim_date=claim_date or article.published_on,
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
) -> Claim:
    """Change a claim's kind and which of the article's sources it relies on.

    Its status changes only through the workflow (``editorial.services.workflow``).
    """
    policies.check_change_claim(user, claim)
    changed = []
    if kind is not None and kind != claim.kind:
        claim.kind = kind
        changed.append("kind")
    if changed:
        claim.full_clean(validate_constraints=False)
        save_as(claim, user, update_fields=[*changed, "updated_at"])
    if sources is not None:
        linked = _article_sources(claim.article, sources)
        claim._history_user = user  # type: ignore[attr-defined]
        claim.sources.set(linked)
    if "kind" in changed or sources is not None:
        enqueue_claim_verification(claim.pk)
    return claim


def claim_delete(*, claim: Claim, user: Any) -> None:
    policies.check_delete_claim(user, claim, has_ratings=claim.ratings.exists())
    claim._history_user = user  # type: ignore[attr-defined]
    claim.delete()
