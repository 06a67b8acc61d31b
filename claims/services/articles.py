"""The one way in for importing an article: pasted or uploaded content, or a URL alone.

The API, the web form, the admin and ``manage.py import_article`` all call
``article_import``; it decides what the input is, applies the size limit, and queues
the background work once the transaction commits.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import ngettext

from claims import policies
from claims.errors import DuplicateArticle, ImportRejected
from claims.history import save_as
from claims.models import Article, ArticleFormat, ImportStatus
from claims.pipeline.article_store import (
    TITLE_MAX_LENGTH,
    choose_title,
    content_sha256,
    decode_article,
    detect_format,
    size_limit_message,
    store_extracted,
)
from claims.stamps import article_changed
from claims.tasks import enqueue_article_fetch, enqueue_source_fetches
from claims.url_rules import clean_web_url
from texts.extraction import extract
from texts.language import normalize_language_tag
from texts.textnorm import clean_line


class Upload(Protocol):
    """An uploaded file, a file opened by a command, or standard input."""

    def read(self, size: int = -1, /) -> bytes: ...


def article_import(
    *,
    content: bytes | str | None = None,
    upload: Upload | None = None,
    filename: str | None = None,
    url: str = "",
    source_format: str | None = None,
    title: str = "",
    byline: str = "",
    publisher: str = "",
    published_on: date | None = None,
    imported_by: Any,
    force: bool = False,
    language: str = "",
) -> Article:
    """Import an article: its text (``content``), a file (``upload``), or a URL alone.

    ``title``, ``byline``, ``publisher`` and ``published_on`` given here are kept; what
    the article or its page says fills only those left empty.

    Its ``language`` (a BCP-47 tag) is detected from the text unless given.

    A URL alone means "fetch the page": the article is created at once with
    ``import_status`` fetching, and a worker imports it. Otherwise the text is imported
    with its citations now, ``url`` recording where it came from. Identical content
    (or, for a URL alone, the same URL) is refused unless ``force``.
    """
    policies.check_import_article(imported_by)
    metadata: dict[str, Any] = {
        "byline": clean_line(byline),
        "publisher": clean_line(publisher),
        "published_on": published_on,
        "language": language,
    }
    if content is not None and upload is not None:
        raise ImportRejected("Upload a file or paste the text, not both.", code="ambiguous")
    if upload is not None:
        content = read_upload(upload, size=getattr(upload, "size", None))
    if content is None:
        if not url.strip():
            raise ImportRejected(
                "Upload a file, paste the article, or give only its URL to have it fetched.",
                code="missing",
            )
        return article_import_url(
            url=url, title=title, imported_by=imported_by, force=force, **metadata
        )
    return _import_text(
        content=content,
        filename=filename,
        url=url,
        source_format=source_format,
        title=title,
        imported_by=imported_by,
        force=force,
        **metadata,
    )


def read_upload(upload: Upload, *, size: int | None = None) -> bytes:
    """The file's bytes, refusing one over IMPORT_MAX_BYTES without reading all of it."""
    limit = settings.IMPORT_MAX_BYTES
    if size is not None and size > limit:
        raise ImportRejected(size_limit_message(size, limit), code="file_too_large")
    data = upload.read(limit + 1)  # one byte past the limit tells it is too large
    if len(data) > limit:
        raise ImportRejected(size_limit_message(size or len(data), limit), code="file_too_large")
    return data


@transaction.atomic
def _import_text(
    *,
    content: bytes | str,
    filename: str | None,
    url: str,
    source_format: str | None,
    title: str,
    imported_by: Any,
    force: bool,
    byline: str = "",
    publisher: str = "",
    published_on: date | None = None,
    language: str = "",
) -> Article:
    language = clean_language(language)
    text = decode_article(content)
    fmt = ArticleFormat(source_format) if source_format else detect_format(text, filename)
    digest = content_sha256(text)
    if not force:
        existing = Article.objects.filter(content_sha256=digest).order_by("id").first()
        if existing is not None:
            raise DuplicateArticle(existing)

    document = extract(text, fmt)
    article = Article(
        title=choose_title(title, document, filename),
        url=clean_web_url(url, required=False),
        byline=byline,
        publisher=publisher,
        published_on=published_on,
        source_text=text,
        source_format=fmt,
        content_sha256=digest,
        imported_by=policies.person(imported_by),
        language=language,
    )
    enqueue_source_fetches(store_extracted(article, document, user=imported_by))
    return article


def article_import_url(
    *,
    url: str,
    imported_by: Any,
    title: str = "",
    force: bool = False,
    byline: str = "",
    publisher: str = "",
    published_on: date | None = None,
    language: str = "",
) -> Article:
    """Create the article at once, empty, and let a worker fetch and import the page."""
    policies.check_import_article(imported_by)
    url = clean_web_url(url)
    language = clean_language(language)
    if not force:
        existing = Article.objects.filter(url=url).order_by("id").first()
        if existing is not None:
            raise DuplicateArticle(existing)
    article = Article(
        title=clean_line(title)[:TITLE_MAX_LENGTH] or url[:TITLE_MAX_LENGTH],
        url=url,
        byline=clean_line(byline),
        publisher=clean_line(publisher),
        published_on=published_on,
        source_format=ArticleFormat.HTML,
        import_status=ImportStatus.FETCHING,
        imported_by=policies.person(imported_by),
        language=language,
    )
    article.full_clean(exclude=["source_text", "text", "content_sha256"])
    with transaction.atomic():
        save_as(article, imported_by)
        enqueue_article_fetch(article.pk)
    return article


# What reviewers correct about an article (the reader's form, the API's PATCH, the admin).
ARTICLE_METADATA = ("title", "byline", "publisher", "url", "published_on", "language")
_ARTICLE_METADATA = (*ARTICLE_METADATA, "status")


def clean_language(tag: str) -> str:
    """A BCP-47 language tag in its usual case ("pt-BR"), "" for none; else a field error."""
    try:
        return normalize_language_tag(tag)
    except ValueError as exc:
        raise ValidationError({"language": str(exc)}, code="invalid_language") from None


def article_update(*, article: Article, user: Any, **changes: Any) -> Article:
    """Change an article's metadata or status (never its text: claims are anchored into it).

    Who may: ``policies.check_change_article``.
    """
    policies.check_change_article(user, article, fields=changes)
    unknown = set(changes) - set(_ARTICLE_METADATA)
    if unknown:
        fields = ngettext("field", "fields", len(unknown))
        raise ValidationError(f"Articles have no {fields} {sorted(unknown)} to change.")
    if "url" in changes:
        changes["url"] = clean_web_url(changes["url"], required=False)
    if "language" in changes:
        changes["language"] = clean_language(changes["language"])
    for name, value in changes.items():
        setattr(article, name, clean_line(value) if isinstance(value, str) else value)
    article.full_clean(exclude=["source_text", "text"])
    save_as(article, user, update_fields=[*changes, "updated_at"])
    article_changed(article.pk)
    return article


def article_delete(*, article: Article, user: Any) -> None:
    policies.check_delete_article(user, article)
    article._history_user = user  # type: ignore[attr-defined]
    article.delete()
