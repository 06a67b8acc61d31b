from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from claims import policies
from claims.history import save_as
from claims.models import Source, SourceStatus
from claims.tasks import enqueue_source_fetches
from claims.url_rules import clean_web_url


def source_set_url(*, source: Source, url: str, user: Any) -> Source:
    """Give a source the URL to fetch (typically one that needs a URL) and queue it."""
    policies.check_set_source_url(user, source)
    url = clean_web_url(url)
    if url == source.url and source.status != SourceStatus.NEEDS_URL:
        return source
    source.url = url
    source.status = SourceStatus.PENDING
    source.status_detail = ""
    save_as(source, user, update_fields=["url", "status", "status_detail", "updated_at"])
    enqueue_source_fetches([source.pk])
    return source


def source_request_fetch(*, source: Source, user: Any) -> Source:
    """Ask for the source to be fetched (again); a source without a URL cannot be."""
    policies.check_request_fetch(user, source)
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
