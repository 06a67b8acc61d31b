from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from claims import policies, stamps
from claims.history import save_as
from claims.models import Source, SourceStatus
from claims.selectors import archived_copy_value
from claims.tasks import enqueue_source_fetches, enqueue_source_quote_verification
from claims.url_rules import clean_web_url


@transaction.atomic
def source_set_url(*, source: Source, url: str, user: Any) -> Source:
    """Give a source the URL to fetch, or correct it, whatever its status, and fetch it.

    Earlier snapshots stay (they are the fetch history). A fetch of the old URL still
    running can no longer store its result, and the quotes checked against the old page
    are checked again (as not fetched yet, until the new page is in). The same URL again
    changes nothing.
    """
    policies.check_set_source_url(user, source)
    url = clean_web_url(url)
    if url == source.url and source.status != SourceStatus.NEEDS_URL:
        return source
    corrected = bool(source.url)  # a page was fetched, and perhaps quotes checked against it
    source.url = url
    fields = source.restart_fetch()
    save_as(source, user, update_fields=["url", *fields, "updated_at"])
    enqueue_source_fetches([source.pk])
    if corrected:
        enqueue_source_quote_verification(source.pk)
    stamps.article_changed(source.article_id)
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
    stamps.article_changed(source.article_id)
    return source


def source_use_archived_copy(*, source: Source, user: Any) -> Source:
    """Fetch a dead or failed source from the web archive's copy it is offered."""
    offered = (
        Source.objects.annotate(archived_copy=archived_copy_value()).filter(pk=source.pk).first()
    )
    if offered is None or not offered.archive_offer:
        policies.check_set_source_url(user, source)
        raise ValidationError(
            {
                "url": "No archived copy is offered for this source: it is offered once a dead "
                "or failed link's page is found in the web archive."
            },
        )
    return source_set_url(source=source, url=offered.archive_offer, user=user)
