"""Run a real Celery worker process against the test database and broker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

from factcheck.celery import app as celery_app

REPO_DIR = Path(__file__).resolve().parent.parent


BROKER_URLS = ("broker_url", "broker_write_url", "broker_read_url")


def use_broker(url: str) -> dict[str, str | None]:
    """Point this process's Celery app, and the workers it starts, at another broker;
    returns what ``restore_broker`` needs to go back.

    Celery reads ``CELERY_BROKER_URL`` from the environment before its configuration, so
    both change. The app keeps its connection and producer pools (kombu's, shared by URL)
    until asked again: they are forgotten, so the next send takes the new URL's pools.
    """
    previous = {name: celery_app.conf[name] for name in BROKER_URLS}
    previous["environment"] = os.environ.get("CELERY_BROKER_URL")
    os.environ["CELERY_BROKER_URL"] = url
    celery_app.conf.update(broker_url=url, broker_write_url=None, broker_read_url=None)
    _forget_connections()
    return previous


def restore_broker(previous: dict[str, str | None]) -> None:
    environment = previous.pop("environment")
    if environment is None:
        os.environ.pop("CELERY_BROKER_URL", None)
    else:
        os.environ["CELERY_BROKER_URL"] = environment
    celery_app.conf.update(previous)
    _forget_connections()


def _forget_connections() -> None:
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def broker_is_shared() -> bool:
    """A worker process can only see this process's messages through a real broker."""
    return settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://", "amqp://", "amqps://"))


def test_database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


WORKER_ARGS = (
    "worker",
    "--loglevel=INFO",
    "--without-gossip",
    "--without-mingle",
    "--without-heartbeat",
)


class Worker:
    """A ``celery worker`` process (or, with other ``args``, another celery command)."""

    def __init__(
        self,
        log: Path,
        env: dict[str, str] | None = None,
        *,
        args: tuple[str, ...] = WORKER_ARGS,
        ready: str = "ready.",
    ) -> None:
        self.log = log
        self.args = args
        self.ready = ready
        self.env = {
            **os.environ,
            "DATABASE_URL": test_database_url(),
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "FETCH_ALLOW_LOOPBACK": "true",
            "LOG_FORMAT": "text",
            "CELERY_WORKER_CONCURRENCY": "8",
            **(env or {}),
        }
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 30) -> None:
        handle = self.log.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "factcheck", *self.args],
            cwd=REPO_DIR,
            env=self.env,
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.ready in self.log.read_text(errors="replace"):
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        raise RuntimeError(f"the worker did not start:\n{self.log.read_text()[-3000:]}")

    def kill(self) -> None:
        """SIGKILL: no goodbye, no acknowledgement of the jobs it holds."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


@contextmanager
def running_worker(log: Path, **env: str) -> Iterator[Worker]:
    worker = Worker(log, env)
    worker.start()
    try:
        yield worker
    finally:
        worker.stop()


@contextmanager
def running_beat(log: Path, schedule: Path, **env: str) -> Iterator[Worker]:
    """``celery beat``: sends the periodic jobs (FETCH_RECHECK_EVERY_SECONDS) to the broker."""
    beat = Worker(
        log, env, args=("beat", "--loglevel=INFO", f"--schedule={schedule}"), ready="beat: Starting"
    )
    beat.start()
    try:
        yield beat
    finally:
        beat.stop()


def wait_for(
    condition, *, timeout: float = 30, interval: float = 0.2, what: str | Callable[[], str] = ""
) -> None:
    """Poll ``condition``; ``what`` describes it in the failure (a callable: the state then)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(interval)
    described = what() if callable(what) else what
    raise AssertionError(f"timed out after {timeout} s waiting for {described or condition}")
