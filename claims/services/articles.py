from __future__ import annotations

import hashlib
import re
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from claims.errors import DuplicateArticle, ImportRejected
from claims.extraction import ExtractedDocument, extract
from claims.models import Article, ArticleFormat, Source, SourceStatus
from claims.services.history import save_as
from claims.services.sources import fetchable_url_for

TITLE_MAX_LENGTH = 300
_FORMAT_BY_SUFFIX = {
    ".md": ArticleFormat.MARKDOWN,
    ".markdown": ArticleFormat.MARKDOWN,
    ".mdown": ArticleFormat.MARKDOWN,
    ".html": ArticleFormat.HTML,
    ".htm": ArticleFormat.HTML,
    ".xhtml": ArticleFormat.HTML,
    ".txt": ArticleFormat.TEXT,
    ".text": ArticleFormat.TEXT,
}
_LOOKS_LIKE_HTML = re.compile(
    r"^\s*(?:<!doctype html|<html|<head|<body|<article|<div|<p[\s>])", re.I
)


def size_limit_message(size: int, limit: int) -> str:
    return f"The article is {size:,} bytes; the limit is {limit:,} bytes (IMPORT_MAX_BYTES)."


def decode_article(data: bytes | str, *, max_bytes: int | None = None) -> str:
    """The article's text, or ``ImportRejected`` saying why it cannot be one."""
    limit = max_bytes if max_bytes is not None else settings.IMPORT_MAX_BYTES
    if isinstance(data, str):
        size = len(data.encode("utf-8", errors="surrogatepass"))
        if size > limit:
            raise ImportRejected(size_limit_message(size, limit), code="too_large")
        text = data
    else:
        if len(data) > limit:
            raise ImportRejected(size_limit_message(len(data), limit), code="too_large")
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            encoding = "utf-16"
        else:
            if b"\x00" in data[:8192]:
                raise ImportRejected(
                    "This is a binary file, not an article; import Markdown, HTML or text.",
                    code="binary",
                )
            encoding = "utf-8-sig"
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise ImportRejected(
                f"The file is not valid UTF-8 text (undecodable byte at position {exc.start}); "
                "save it as UTF-8 and import it again.",
                code="undecodable",
            ) from None
    if "\x00" in text:
        raise ImportRejected("The text contains NUL characters; it looks binary.", code="binary")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ImportRejected("The article is empty.", code="empty")
    return text


def detect_format(text: str, filename: str | None = None) -> ArticleFormat:
    if filename and (by_suffix := _FORMAT_BY_SUFFIX.get(PurePath(filename).suffix.lower())):
        return by_suffix
    return ArticleFormat.HTML if _LOOKS_LIKE_HTML.match(text) else ArticleFormat.MARKDOWN


def content_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _choose_title(explicit: str, document: ExtractedDocument, filename: str | None) -> str:
    title = explicit.strip() or document.title.strip()
    if not title and filename:
        title = PurePath(filename).stem.replace("-", " ").replace("_", " ").strip()
    title = " ".join(title.split()) or "Untitled article"
    return title if len(title) <= TITLE_MAX_LENGTH else title[: TITLE_MAX_LENGTH - 1] + "…"


@transaction.atomic
def article_import(
    *,
    content: bytes | str,
    source_format: str | None = None,
    title: str = "",
    url: str = "",
    filename: str | None = None,
    imported_by: Any = None,
    force: bool = False,
) -> Article:
    """Import an article and its citations; refuse identical content unless ``force``."""
    text = decode_article(content)
    fmt = ArticleFormat(source_format) if source_format else detect_format(text, filename)
    digest = content_sha256(text)
    if not force:
        existing = Article.objects.filter(content_sha256=digest).order_by("id").first()
        if existing is not None:
            raise DuplicateArticle(existing)

    document = extract(text, fmt)
    if not document.text.strip():
        raise ImportRejected("The article has no text once its markup is removed.", code="empty")
    article = Article(
        title=_choose_title(title, document, filename),
        byline=document.byline[:300],
        publisher=document.publisher[:200],
        url=url,
        source_text=text,
        source_format=fmt,
        text=document.text,
        content_sha256=digest,
        imported_by=imported_by,
    )
    article.full_clean()
    if imported_by is not None:
        article._history_user = imported_by  # type: ignore[attr-defined]
    article.save()

    sources = []
    for position, link in enumerate(document.links, start=1):
        fetch_url = fetchable_url_for(link.href, base_url=url)
        sources.append(
            Source(
                article=article,
                position=position,
                anchor_text=link.anchor_text,
                href=link.href,
                url=fetch_url,
                start=link.start,
                end=link.end,
                status=SourceStatus.PENDING if fetch_url else SourceStatus.NEEDS_URL,
            )
        )
    bulk_create_with_history(sources, Source, batch_size=500, default_user=imported_by)
    return article


_ARTICLE_METADATA = ("title", "byline", "publisher", "url", "published_on", "status")


def article_update(*, article: Article, user: Any, **changes: Any) -> Article:
    """Change an article's metadata (never its text: claims are anchored into it)."""
    unknown = set(changes) - set(_ARTICLE_METADATA)
    if unknown:
        raise ValidationError(f"Articles have no field(s) {sorted(unknown)} to change.")
    for name, value in changes.items():
        setattr(article, name, value.strip() if isinstance(value, str) else value)
    article.full_clean(exclude=["source_text", "text"])
    save_as(article, user, update_fields=[*changes, "updated_at"])
    return article


def article_delete(*, article: Article, user: Any) -> None:
    article._history_user = user  # type: ignore[attr-defined]
    article.delete()
