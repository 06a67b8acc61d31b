"""The app served by gunicorn on 127.0.0.1, for the benchmarks that load it."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass(frozen=True)
class Server:
    url: str  # http://127.0.0.1:<port>
    pid: int  # gunicorn's master (its workers are its children)


@contextmanager
def gunicorn(
    env: dict[str, str],
    *,
    port: int,
    workers: int,
    worker_class: str = "sync",
    threads: int = 1,
    backlog: int = 2048,
) -> Iterator[Server]:
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "factcheck.wsgi",
        f"--bind=127.0.0.1:{port}",
        f"--workers={workers}",
        f"--worker-class={worker_class}",
        f"--threads={threads}",
        f"--backlog={backlog}",
        "--log-level=warning",
        f"--chdir={REPO}",
    ]
    server = subprocess.Popen(command, env=env)
    try:
        yield Server(f"http://127.0.0.1:{port}", server.pid)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def wait_until_up(
    url: str,
    *,
    headers: dict[str, str] | None = None,
    up: Callable[[int], bool] = lambda status: status < 500,
    timeout: float = 60,
) -> None:
    """Ask ``url`` until its answer's status is ``up``; exits the bench after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if up(httpx.get(url, headers=headers, timeout=5).status_code):
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"gunicorn did not answer {url} within {timeout:.0f} s")
        time.sleep(0.2)
