from __future__ import annotations

from typing import Any
from urllib.parse import urljoin, urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from claims.models import Evidence, Source, SourceStatus
from claims.services.history import save_as
from fetching.queue import enqueue_source_fetches

MAX_URL_LENGTH = 2000
_validate_http_url = URLValidator(schemes=["http", "https"])
URL_RULE = f"Enter an absolute http:// or https:// URL (at most {MAX_URL_LENGTH} characters)."


def is_fetchable_url(url: str) -> bool:
    if not url or len(url) > MAX_URL_LENGTH:
        return False
    try:
        _validate_http_url(url)
    except ValidationError:
        return False
    return True


def clean_web_url(url: str, *, required: bool = True) -> str:
    """A URL a person gave, without the spaces around it; the one rule for all of them."""
    url = url.strip()
    if not (url or required) or is_fetchable_url(url):
        return url
    raise ValidationError({"url": URL_RULE}, code="invalid_url")


def full_clean_with_web_url(instance: Evidence) -> None:
    """``full_clean``, with an optional URL held to the URL rule, every error reported at once."""
    errors: dict[str, list[str]] = {}
    try:
        instance.url = clean_web_url(instance.url, required=False)
    except ValidationError as exc:
        errors = exc.message_dict
    try:
        instance.full_clean(exclude=list(errors))
    except ValidationError as exc:
        errors = {**exc.message_dict, **errors}
    if errors:
        raise ValidationError(errors)


def fetchable_url_for(href: str, *, base_url: str = "") -> str:
    """The absolute http(s) URL an href points to, or "" when it cannot be fetched.

    ``#``, empty, ``javascript:``, ``mailto:`` and other non-web schemes give "";
    a relative href gives "" unless the article has a URL to resolve it against.
    """
    href = href.strip()
    if not href or href.startswith("#"):
        return ""
    scheme = urlsplit(href).scheme.lower()
    if scheme in {"http", "https"}:
        candidate = href
    elif scheme:
        return ""
    elif base_url and is_fetchable_url(base_url):
        candidate = urljoin(base_url, href)
    elif href.startswith("//"):
        candidate = "https:" + href
    else:
        return ""
    candidate = candidate.split("#", 1)[0]
    return candidate if is_fetchable_url(candidate) else ""


def source_set_url(*, source: Source, url: str, user: Any = None) -> Source:
    """Give a source the URL to fetch (typically one that needs a URL) and queue it."""
    url = clean_web_url(url)
    if url == source.url and source.status != SourceStatus.NEEDS_URL:
        return source
    source.url = url
    source.status = SourceStatus.PENDING
    source.status_detail = ""
    save_as(source, user, update_fields=["url", "status", "status_detail", "updated_at"])
    enqueue_source_fetches([source.pk])
    return source


def source_request_fetch(*, source: Source, user: Any = None) -> Source:
    """Ask for the source to be fetched (again); a source without a URL cannot be."""
    if not source.url:
        raise ValidationError(
            {"url": "This source has no URL to fetch; supply one first."}, code="needs_url"
        )
    if source.status == SourceStatus.FETCHING:
        return source  # a worker has it now
    source.status = SourceStatus.PENDING
    source.status_detail = ""
    save_as(source, user, update_fields=["status", "status_detail", "updated_at"])
    enqueue_source_fetches([source.pk])
    return source
