"""A stand-in for a public web archive on 127.0.0.1, speaking the Wayback Machine's two
services: Save Page Now (``/save/<page URL>``) and availability (``/wayback/available``)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal
from urllib.parse import parse_qs, urlsplit

CAPTURED_AT = "20260101120000"


@dataclass
class ArchiveStandIn:
    port: int = 0
    # How a capture answers: with Content-Location, by redirecting to the copy, or failing.
    save_answer: Literal["content-location", "redirect", "unavailable"] = "content-location"
    saves: list[str] = field(default_factory=list)
    lookups: list[dict[str, str]] = field(default_factory=list)
    copies: dict[str, str] = field(default_factory=dict)  # page URL -> closest copy's URL
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def save_url(self) -> str:
        return f"{self.base}/save/"

    @property
    def availability_url(self) -> str:
        return f"{self.base}/wayback/available"

    def copy_of(self, page_url: str, timestamp: str = CAPTURED_AT) -> str:
        return f"{self.base}/web/{timestamp}/{page_url}"


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def _answer(self, status: int, body: bytes = b"", **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        state = self.server.state
        if self.path.startswith("/save/"):
            page = self.path.removeprefix("/save/")
            with state.lock:
                state.saves.append(page)
            copy = f"/web/{CAPTURED_AT}/{page}"
            if state.save_answer == "unavailable":
                self._answer(503, b"busy", Retry_After="1")
            elif state.save_answer == "redirect":
                self._answer(302, Location=copy)
            else:
                self._answer(200, b"<p>Saved.</p>", Content_Location=copy)
        elif self.path.startswith("/wayback/available"):
            query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
            with state.lock:
                state.lookups.append(query)
            found = state.copies.get(query.get("url", ""))
            snapshots: dict[str, Any] = (
                {
                    "closest": {
                        "status": "200",
                        "available": True,
                        "url": found,
                        "timestamp": CAPTURED_AT,
                    }
                }
                if found
                else {}
            )
            body = json.dumps({"url": query.get("url"), "archived_snapshots": snapshots}).encode()
            self._answer(200, body, Content_Type="application/json")
        elif self.path.startswith("/web/"):
            self._answer(
                200,
                b"<html><body><p>The archived page.</p></body></html>",
                Content_Type="text/html",
            )
        else:
            self._answer(404, b"not here")

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    state: ArchiveStandIn


@contextmanager
def archive_stand_in() -> Iterator[ArchiveStandIn]:
    httpd = _Server(("127.0.0.1", 0), _Handler)
    httpd.state = ArchiveStandIn(port=httpd.server_address[1])
    thread = threading.Thread(target=httpd.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield httpd.state
    finally:
        httpd.shutdown()
        httpd.server_close()
