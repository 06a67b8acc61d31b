from __future__ import annotations

import atexit
import os
import shutil
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import override_settings
from rest_framework.test import APIClient

from claims.models import Article
from claims.services.articles import article_import
from tests.factories import UserFactory
from tests.webserver import PageServer, serve_pages
from tests.worker import restore_broker, use_broker
from web import presence

REPO_DIR = Path(__file__).resolve().parent.parent
# The project's own sample article: what most tests import.
SAMPLE_ARTICLE = REPO_DIR / "claims" / "demo" / "riverside-trees.md"
# An opinion article that is not part of the repository (nine citations that all need a
# URL, quotations from think-tank papers); the tests about that one text skip without it.
DEMO_ARTICLE = Path(
    os.environ.get("FACTCHECK_DEMO_ARTICLE")
    or REPO_DIR.parent / "shared" / "demo" / "buffer-zone.md"
)

# Fetched bodies go to a folder of this test run's (workers the tests start inherit it).
SNAPSHOT_BODIES_DIR = Path(tempfile.mkdtemp(prefix="factcheck-test-bodies-"))
os.environ["SNAPSHOT_BODIES_DIR"] = str(SNAPSHOT_BODIES_DIR)
atexit.register(shutil.rmtree, SNAPSHOT_BODIES_DIR, ignore_errors=True)


def demo_article_text() -> str:
    """The opinion article's Markdown; skips the calling test when the file is absent."""
    if not DEMO_ARTICLE.is_file():
        pytest.skip(f"the opinion article {DEMO_ARTICLE} is absent (set FACTCHECK_DEMO_ARTICLE)")
    return DEMO_ARTICLE.read_text(encoding="utf-8")


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing() -> Iterator[None]:
    """Hash test passwords quickly, for the users that module-wide datasets create too."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def _test_settings(settings) -> None:
    """Render pages without a collectstatic manifest; keep fetched bodies out of ``var/``;
    count requests per site in this process only (tests of shared slots ask for them)."""
    settings.FETCH_HOST_SLOTS_URL = ""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        "snapshots": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(SNAPSHOT_BODIES_DIR), "allow_overwrite": True},
        },
    }


@pytest.fixture(scope="session")
def demo_markdown() -> str:
    return demo_article_text()


@pytest.fixture(scope="session")
def sample_markdown() -> str:
    return SAMPLE_ARTICLE.read_text(encoding="utf-8")


@pytest.fixture
def reviewer(db):
    return UserFactory.create(roles=["reviewer"])


@pytest.fixture
def editor(db):
    return UserFactory.create(roles=["editor"])


@pytest.fixture
def demo_article(db, demo_markdown: str, reviewer) -> Article:
    return article_import(content=demo_markdown, source_format="markdown", imported_by=reviewer)


@pytest.fixture
def sample_article(db, sample_markdown: str, reviewer) -> Article:
    """Five citations: four with a URL (pending), "up for renewal" with none (needs a URL)."""
    return article_import(content=sample_markdown, source_format="markdown", imported_by=reviewer)


def clear_caches() -> None:
    """Forget the requests that rate limits counted."""
    cache.clear()
    presence.forget()


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """Throttling counts requests in the cache: start every test at zero."""
    clear_caches()
    yield
    clear_caches()


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


def redis_database_of_this_process(url: str) -> str:
    """``url`` with a Redis database of this test process's own when the suite runs in
    several processes (pytest-xdist): a Celery worker one test starts then never takes
    another process's jobs, and emptying a database never empties another's."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    parts = urlsplit(url)
    if not worker.startswith("gw") or parts.scheme not in ("redis", "rediss"):
        return url
    database = int(parts.path.strip("/") or 0) + int(worker.removeprefix("gw"))
    return urlunsplit(parts._replace(path=f"/{database}"))


@pytest.fixture(scope="session", autouse=True)
def _broker_of_this_process() -> Iterator[None]:
    url = redis_database_of_this_process(django_settings.CELERY_BROKER_URL)
    if url == django_settings.CELERY_BROKER_URL:
        yield
        return
    with override_settings(CELERY_BROKER_URL=url):  # what tests.worker gives the workers
        previous = use_broker(url)
        yield
        restore_broker(previous)


@pytest.fixture
def every_rating_shown(settings) -> None:
    """``BLIND_RATINGS`` off: reviewers see each other's ratings and the consensus before
    rating (for tests of how they are shown; ``test_blind_ratings.py`` tests the hiding)."""
    settings.BLIND_RATINGS = False
