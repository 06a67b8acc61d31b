"""The one way in for importing an article: pasted or uploaded content, or a URL alone.

The API, the web form, the admin and ``manage.py import_article`` all call
``article_import``; it decides what the input is, applies the size limit, and queues
the background work once the transaction commits.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from claims import policies
from claims.errors import DuplicateArticle
from claims.history import save_as
from claims.models import Article, ArticleFormat, ImportStatus
from claims.pipeline.article_store import (
    TITLE_MAX_LENGTH,
    choose_title,
    content_sha256,
    decode_article,
    detect_format,
    store_extracted,
)
from claims.tasks import enqueue_article_fetch, enqueue_source_fetches
from claims.url_rules import clean_web_url
from texts.extraction import extract
from texts.textnorm import clean_line


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
    policies.check_import_article(imported_by)
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
        source_text=text,
        source_format=fmt,
        content_sha256=digest,
        imported_by=policies.person(imported_by),
    )
    enqueue_source_fetches(store_extracted(article, document, user=imported_by))
    return article


def article_import_url(
    *, url: str, imported_by: Any = None, title: str = "", force: bool = False
) -> Article:
    """Create the article at once, empty, and let a worker fetch and import the page."""
    policies.check_import_article(imported_by)
    url = clean_web_url(url)
    if not force:
        existing = Article.objects.filter(url=url).order_by("id").first()
        if existing is not None:
            raise DuplicateArticle(existing)
    article = Article(
        title=clean_line(title)[:TITLE_MAX_LENGTH] or url[:TITLE_MAX_LENGTH],
        url=url,
        source_format=ArticleFormat.HTML,
        import_status=ImportStatus.FETCHING,
        imported_by=policies.person(imported_by),
    )
    article.full_clean(exclude=["source_text", "text", "content_sha256"])
    with transaction.atomic():
        save_as(article, imported_by)
        enqueue_article_fetch(article.pk)
    return article


_ARTICLE_METADATA = ("title", "byline", "publisher", "url", "published_on", "status")


def article_update(*, article: Article, user: Any, **changes: Any) -> Article:
    """Change an article's metadata (never its text: claims are anchored into it)."""
    policies.check_change_article(user, article, fields=changes)
    unknown = set(changes) - set(_ARTICLE_METADATA)
    if unknown:
        raise ValidationError(f"Articles have no field(s) {sorted(unknown)} to change.")
    if "url" in changes:
        changes["url"] = clean_web_url(changes["url"], required=False)
    for name, value in changes.items():
        setattr(article, name, clean_line(value) if isinstance(value, str) else value)
    article.full_clean(exclude=["source_text", "text"])
    save_as(article, user, update_fields=[*changes, "updated_at"])
    return article


def article_delete(*, article: Article, user: Any) -> None:
    policies.check_delete_article(user, article)
    article._history_user = user  # type: ignore[attr-defined]
    article.delete()
