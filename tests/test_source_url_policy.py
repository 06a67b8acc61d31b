"""Who may point a source at another page: its article's importer or an editor, and only an
editor once the article is published (the quote checks then run against the new page)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from claims.models import ArticleStatus, Source, SourceStatus
from claims.services.sources import source_set_url
from tests.factories import SourceFactory, UserFactory

pytestmark = pytest.mark.django_db

SOURCES = "/api/v1/sources/"
NEW_URL = "https://attacker.example/page"


def _fetched_source(importer, *, status: str = ArticleStatus.DRAFT) -> Source:
    return SourceFactory.create(
        url="https://example.org/cited",
        status=SourceStatus.OK,
        article__imported_by=importer,
        article__status=status,
    )


def test_another_reviewer_cannot_change_the_url_of_a_source_they_did_not_import(
    reviewer_api,
) -> None:
    source = _fetched_source(UserFactory.create(roles=["reviewer"]))

    response = reviewer_api.patch(f"{SOURCES}{source.pk}/", {"url": NEW_URL}, format="json")

    assert response.status_code == 403
    assert "reviewer who imported the article" in response.json()["detail"]
    source.refresh_from_db()
    assert (source.url, source.status) == ("https://example.org/cited", SourceStatus.OK)


def test_the_importer_changes_the_url_while_the_article_is_a_draft(reviewer_api, reviewer) -> None:
    source = _fetched_source(reviewer)

    response = reviewer_api.patch(f"{SOURCES}{source.pk}/", {"url": NEW_URL}, format="json")

    assert response.status_code == 200, response.content
    source.refresh_from_db()
    assert (source.url, source.status) == (NEW_URL, SourceStatus.PENDING)


def test_once_the_article_is_published_only_an_editor_changes_a_source_url(
    reviewer_api, reviewer, editor_api, editor
) -> None:
    source = _fetched_source(reviewer, status=ArticleStatus.PUBLISHED)

    refused = reviewer_api.patch(f"{SOURCES}{source.pk}/", {"url": NEW_URL}, format="json")
    allowed = editor_api.patch(f"{SOURCES}{source.pk}/", {"url": NEW_URL}, format="json")

    assert refused.status_code == 403
    assert "published" in refused.json()["detail"]
    assert allowed.status_code == 200, allowed.content
    source.refresh_from_db()
    assert source.url == NEW_URL
    change = source.history.latest()
    assert (change.url, change.history_user) == (NEW_URL, editor)
    assert source.history.earliest().url == "https://example.org/cited"


def test_the_service_refuses_the_same_way_whoever_calls_it(reviewer) -> None:
    source = _fetched_source(UserFactory.create(roles=["reviewer"]))

    with pytest.raises(PermissionDenied, match="imported the article"):
        source_set_url(source=source, url=NEW_URL, user=reviewer)

    source.refresh_from_db()
    assert source.url == "https://example.org/cited"


def test_a_user_without_a_role_cannot_change_a_source(api) -> None:
    source = _fetched_source(UserFactory.create(roles=["reviewer"]))
    api.force_authenticate(UserFactory.create())

    response = api.patch(f"{SOURCES}{source.pk}/", {"url": NEW_URL}, format="json")

    assert response.status_code == 403
    source.refresh_from_db()
    assert source.url == "https://example.org/cited"
