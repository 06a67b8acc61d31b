"""Store an article's text and its cited sources, from pasted content or a fetched page.

Nothing here queues a job: the callers (``claims.services.articles`` for the web
request, the URL-import task) queue the fetches of the sources it returns.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from claims import events, stamps
from claims.errors import ImportRejected
from claims.history import save_as
from claims.models import (
    Article,
    ArticleFormat,
    ArticleRevision,
    ImportStatus,
    RevisionOrigin,
    Source,
    SourceStatus,
)
from claims.policies import person
from claims.url_rules import fetchable_url_for
from texts.extraction import ExtractedDocument, extract_html
from texts.language import detect_language
from texts.textnorm import clean_line, is_blank

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
    if is_blank(text):
        raise ImportRejected("The article is empty.", code="empty")
    return text


def detect_format(text: str, filename: str | None = None) -> ArticleFormat:
    if filename and (by_suffix := _FORMAT_BY_SUFFIX.get(PurePath(filename).suffix.lower())):
        return by_suffix
    return ArticleFormat.HTML if _LOOKS_LIKE_HTML.match(text) else ArticleFormat.MARKDOWN


def content_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def choose_title(explicit: str, document: ExtractedDocument, filename: str | None) -> str:
    title = clean_line(explicit) or clean_line(document.title)
    if not title and filename:
        title = clean_line(PurePath(filename).stem.replace("-", " ").replace("_", " "))
    title = title or "Untitled article"
    return title if len(title) <= TITLE_MAX_LENGTH else title[: TITLE_MAX_LENGTH - 1] + "…"


def revision_one(article: Article, **fields: Any) -> ArticleRevision:
    """Revision 1: the article's text, structure and source as they stand now."""
    return ArticleRevision.objects.create(
        article=article,
        number=1,
        text=article.text,
        structure=article.structure,
        source_text=article.source_text,
        source_format=article.source_format,
        content_sha256=article.content_sha256,
        **fields,
    )


def store_extracted(
    article: Article,
    document: ExtractedDocument,
    *,
    user: Any,
    origin: str = RevisionOrigin.PASTED,
) -> list[int]:
    """Store an extracted article, its first revision and its sources; returns the ids of
    the sources to fetch."""
    if is_blank(document.text):
        raise ImportRejected("The article has no text once its markup is removed.", code="empty")
    article.text = document.text
    article.structure = document.structure
    article.byline = article.byline or clean_line(document.byline)[:300]
    article.publisher = article.publisher or clean_line(document.publisher)[:200]
    article.language = article.language or detect_language(document.text)
    article.full_clean()
    save_as(article, user)
    revision_one(article, origin=origin, created_by=person(user))

    sources = []
    for position, link in enumerate(document.links, start=1):
        fetch_url = fetchable_url_for(link.href, base_url=article.url)
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
    bulk_create_with_history(sources, Source, batch_size=500, default_user=person(user))
    events.emit(events.article_imported, article=article, actor=user)
    return [source.pk for source in sources if source.url]


def article_fill_from_page(
    *, article_id: int, html: str, title: str, byline: str, publisher: str, published: str
) -> list[int] | None:
    """Import the fetched page into an article waiting for it (once: a rerun does nothing).

    Returns the ids of the sources to fetch, or None when nothing was imported.
    """
    try:
        with transaction.atomic():
            article = Article.objects.select_for_update().filter(pk=article_id).first()
            if article is None or article.import_status != ImportStatus.FETCHING:
                return None
            document = extract_html(html)
            article.source_text = html
            article.content_sha256 = content_sha256(html)
            if article.title == article.url[:TITLE_MAX_LENGTH] and (title or document.title):
                article.title = choose_title(title, document, None)
            # What the importer gave is kept; the page fills in what they left empty.
            article.byline = article.byline or clean_line(byline)[:300]
            article.publisher = article.publisher or clean_line(publisher)[:200]
            article.published_on = article.published_on or _parse_date(published)
            article.import_status, article.import_detail = ImportStatus.READY, ""
            return store_extracted(
                article, document, user=article.imported_by, origin=RevisionOrigin.URL
            )
    except ImportRejected as exc:
        article_import_failed(article_id=article_id, reason=exc.messages[0])
        return None


def article_import_failed(*, article_id: int, reason: str) -> None:
    Article.objects.filter(pk=article_id, import_status=ImportStatus.FETCHING).update(
        import_status=ImportStatus.FAILED, import_detail=reason[:500]
    )
    stamps.article_changed(article_id)


def _parse_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None
