"""Domain errors raised by the services; every one carries a message a person can act on."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError

if TYPE_CHECKING:
    from claims.models import Article
    from texts.anchoring import Span


class ImportRejected(ValidationError):
    """The content cannot be imported as an article (too large, binary, undecodable, empty)."""


class DuplicateArticle(ValidationError):
    def __init__(self, existing: Article) -> None:
        self.existing = existing
        super().__init__(
            f"This content was already imported as article {existing.pk} "
            f"({existing.title!r}); nothing was created.",
            code="duplicate",
        )


class QuoteNotFound(ValidationError):
    def __init__(self, quote: str) -> None:
        shown = quote if len(quote) <= 80 else quote[:79] + "…"
        super().__init__(
            f"The quote {shown!r} does not appear in the article's text.", code="quote_not_found"
        )


class AmbiguousQuote(ValidationError):
    def __init__(self, quote: str, spans: list[Span]) -> None:
        self.spans = spans
        places = "; ".join(
            f"{span.start}-{span.end} (…{span.prefix[-20:]}[…]{span.suffix[:20]}…)"
            for span in spans[:10]
        )
        more = f" and {len(spans) - 10} more" if len(spans) > 10 else ""
        super().__init__(
            f"The quote appears {len(spans)} times in the article; give start and end "
            f"offsets or a longer quote. Occurrences: {places}{more}.",
            code="quote_ambiguous",
        )
