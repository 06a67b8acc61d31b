from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from claims.models import Article
from claims.services.articles import article_import
from tests.factories import UserFactory

REPO_DIR = Path(__file__).resolve().parent.parent
DEMO_ARTICLE = REPO_DIR.parent / "shared" / "demo" / "buffer-zone.md"


@pytest.fixture(autouse=True)
def _test_settings(settings) -> None:
    """Render pages without a collectstatic manifest; hash test passwords quickly."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def demo_markdown() -> str:
    if not DEMO_ARTICLE.exists():
        pytest.fail(f"The demo article is missing: {DEMO_ARTICLE}")
    return DEMO_ARTICLE.read_text(encoding="utf-8")


@pytest.fixture
def reviewer(db):
    return UserFactory.create(roles=["reviewer"])


@pytest.fixture
def editor(db):
    return UserFactory.create(roles=["editor"])


@pytest.fixture
def demo_article(db, demo_markdown: str, reviewer) -> Article:
    return article_import(content=demo_markdown, source_format="markdown", imported_by=reviewer)


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """Throttling counts requests in the cache: start every test at zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def reviewer_api(reviewer) -> APIClient:
    client = APIClient()
    client.force_authenticate(reviewer)
    return client


@pytest.fixture
def editor_api(editor) -> APIClient:
    client = APIClient()
    client.force_authenticate(editor)
    return client
