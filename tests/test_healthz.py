from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper

from factcheck import health
from factcheck.celery import app as celery_app

pytestmark = pytest.mark.django_db

REDIS_TEST_URL = "redis://127.0.0.1:6379/15"
CLOSED_PORT_URL = "redis://127.0.0.1:1/0"

UseBroker = Callable[..., None]


@pytest.fixture
def use_broker(monkeypatch: pytest.MonkeyPatch) -> UseBroker:
    """Point the Celery app at another broker for one test."""

    def use(url: str, **transport_options: object) -> None:
        # Celery reads these variables before its own configuration.
        monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
        monkeypatch.delenv("CELERY_BROKER_WRITE_URL", raising=False)
        monkeypatch.setitem(celery_app.conf, "broker_url", url)
        monkeypatch.setitem(celery_app.conf, "broker_transport_options", transport_options)

    return use


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A port that accepts connections and never says a word."""
    server = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                accepted.append(server.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    yield server.getsockname()[1]
    server.close()
    for conn in accepted:
        conn.close()


def redis_is_running() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


def test_healthz_is_ok_with_the_database_and_the_default_filesystem_broker(
    client, use_broker: UseBroker, tmp_path: Path
) -> None:
    queue = tmp_path / "queue"
    queue.mkdir()
    use_broker("filesystem://", data_folder_in=str(queue), data_folder_out=str(queue))

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_head_requests_and_refuses_post(client) -> None:
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


@pytest.mark.skipif(not redis_is_running(), reason="no Redis on 127.0.0.1:6379")
def test_healthz_is_ok_with_a_real_redis_broker(client, use_broker: UseBroker) -> None:
    use_broker(REDIS_TEST_URL)

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


def test_healthz_is_503_at_once_when_the_broker_port_is_closed(
    client, use_broker: UseBroker
) -> None:
    use_broker(CLOSED_PORT_URL)

    started = time.monotonic()
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "down", "database": "ok", "broker": "down"}
    assert time.monotonic() - started < 1, "a refused connection must not be retried"


@pytest.mark.parametrize("scheme", ["redis", "amqp"])
def test_healthz_gives_up_on_a_broker_that_never_answers(
    client,
    use_broker: UseBroker,
    silent_server: int,
    monkeypatch: pytest.MonkeyPatch,
    scheme: str,
) -> None:
    monkeypatch.setattr(health, "BROKER_TIMEOUT_SECONDS", 0.2)
    use_broker(f"{scheme}://127.0.0.1:{silent_server}/0")

    started = time.monotonic()
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["broker"] == "down"
    assert time.monotonic() - started < 2


def test_healthz_is_503_when_the_filesystem_broker_folder_is_missing(
    client, use_broker: UseBroker, tmp_path: Path
) -> None:
    missing = str(tmp_path / "missing")
    use_broker("filesystem://", data_folder_in=missing, data_folder_out=missing)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["broker"] == "down"


def test_healthz_is_503_when_the_database_is_down(client, monkeypatch: pytest.MonkeyPatch) -> None:
    def server_gone(self: CursorWrapper, sql: str, params: object = None) -> None:
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(CursorWrapper, "execute", server_gone)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["status"] == "down"
    assert response.json()["database"] == "down"


def test_https_redirect_spares_healthz_only(client, settings) -> None:
    settings.SECURE_SSL_REDIRECT = True  # what HTTPS=true sets

    assert client.get("/healthz").status_code == 200
    redirect = client.get("/admin/login/")
    assert redirect.status_code == 301
    assert redirect["Location"] == "https://testserver/admin/login/"
