"""A small web server on 127.0.0.1 that tests and benchmarks fill with pages.

Each page is a status, a body, headers and an optional delay before answering.
Requests are recorded. Nothing here ever talks to another machine.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Page:
    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass
class PageServer:
    port: int = 0
    pages: dict[str, Page] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    in_flight: int = 0
    peak_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def add(self, path: str, body: str | bytes = b"", **options: Any) -> str:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.pages[path] = Page(body=data, **options)
        return self.url(path)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        state = self.server.state
        with state.lock:
            state.requests.append(self.path)
            state.in_flight += 1
            state.peak_in_flight = max(state.peak_in_flight, state.in_flight)
        try:
            page = state.pages.get(self.path.split("?")[0]) or Page(b"not here", status=404)
            if page.delay:
                time.sleep(page.delay)
            self.send_response(page.status)
            self.send_header("Content-Type", page.content_type)
            self.send_header("Content-Length", str(len(page.body)))
            for name, value in page.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(page.body)
        finally:
            with state.lock:
                state.in_flight -= 1

    def log_message(self, format: str, *args: Any) -> None:
        pass


SHUTDOWN_POLL_SECONDS = 0.02


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    state: PageServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients hang up on purpose (size caps, timeouts)


@contextmanager
def serve_pages() -> Iterator[PageServer]:
    httpd = _Server(("127.0.0.1", 0), _Handler)
    httpd.state = PageServer(port=httpd.server_address[1])
    # shutdown() waits for the loop to look again: every 0.5 s by default, a pause per test.
    thread = threading.Thread(
        target=httpd.serve_forever, args=(SHUTDOWN_POLL_SECONDS,), daemon=True
    )
    thread.start()
    try:
        yield httpd.state
    finally:
        httpd.shutdown()
        httpd.server_close()


def article_page(title: str, *paragraphs: str) -> str:
    body = "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
    return (
        f"<!doctype html><html><head><title>{title}</title></head><body>"
        f"<nav><a href='/'>Home</a> <a href='/about'>About</a></nav>"
        f"<article><h1>{title}</h1>{body}</article>"
        f"<footer><a href='/privacy'>Privacy</a> Copyright</footer></body></html>"
    )
