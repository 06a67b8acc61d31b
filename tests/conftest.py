from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from claims.models import Article
from claims.services.articles import article_import
from tests.factories import UserFactory
from tests.webserver import PageServer, serve_pages

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
    """Rate limits count requests in the cache: start every test at zero."""
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


@pytest.fixture
def second_reviewer(db):
    return UserFactory.create(roles=["reviewer"])


@pytest.fixture
def second_reviewer_api(second_reviewer) -> APIClient:
    client = APIClient()
    client.force_authenticate(second_reviewer)
    return client


@pytest.fixture
def outsider(db):
    """Signed in, but with no role."""
    return UserFactory.create()


@pytest.fixture
def outsider_api(outsider) -> APIClient:
    client = APIClient()
    client.force_authenticate(outsider)
    return client


@pytest.fixture
def staff(db):
    """An admin: a staff user with no group."""
    return UserFactory.create(is_staff=True)


@pytest.fixture
def staff_api(staff) -> APIClient:
    client = APIClient()
    client.force_authenticate(staff)
    return client


@pytest.fixture
def pages(settings) -> Iterator[PageServer]:
    """A local web server; fetching is allowed to reach loopback for the test."""
    settings.FETCH_ALLOW_LOOPBACK = True
    settings.FETCH_CONNECT_TIMEOUT = 2
    settings.FETCH_READ_TIMEOUT = 2
    settings.FETCH_TOTAL_TIMEOUT = 5
    with serve_pages() as server:
        yield server


@pytest.fixture(autouse=True)
def _no_real_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never ask DNS (this machine's resolver is off the machine): names other than
    localhost and literal IPs fail to resolve, as ``.invalid`` names do."""
    real = socket.getaddrinfo

    def local_only(host: str, *args: Any, **kwargs: Any) -> list[tuple[Any, ...]]:
        host.encode("idna")  # malformed names fail here, before any query, as in real life
        if host == "localhost" or _is_literal_ip(host):
            return real(host, *args, **kwargs)
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", local_only)


def _is_literal_ip(host: str) -> bool:
    for family in (socket.AF_INET, socket.AF_INET6):
        try:
            # inet_aton also takes the odd forms (2130706433, 0x7f.1, 127.1) like getaddrinfo
            socket.inet_aton(host) if family == socket.AF_INET else socket.inet_pton(family, host)
        except OSError:
            continue
        return True
    return False
