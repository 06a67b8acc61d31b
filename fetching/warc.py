"""One fetch as a WARC file (ISO 28500): its request record and its response record.

The response record holds the headers as the server sent them and the body as it was
kept. The body is kept decoded (``content_decoding``: a gzip or brotli transfer is
undone within the size cap), so the headers that describe the transfer rather than
the content (Content-Encoding, Transfer-Encoding, Content-Length) are renamed with the
``X-Archive-Orig-`` prefix the Wayback Machine uses, and a Content-Length of the body as
kept is added: a WARC reader then hands back exactly the bytes the fetch kept.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

CONTENT_TYPE = "application/warc"
ORIGINAL_PREFIX = "X-Archive-Orig-"
_TRANSFER_HEADERS = frozenset({"content-encoding", "transfer-encoding", "content-length"})


@dataclass(frozen=True)
class Exchange:
    """What one fetch sent and got: enough to write its WARC records."""

    url: str
    fetched_at: datetime
    status_code: int
    body: bytes
    request_headers: list[tuple[str, str]] = field(default_factory=list)
    response_headers: list[tuple[str, str]] = field(default_factory=list)


def warc_bytes(exchange: Exchange) -> bytes:
    """The exchange as an uncompressed WARC file: a warcinfo, a request and a response."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=False)
    date = exchange.fetched_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    info = writer.create_warcinfo_record(
        "snapshot.warc", {"software": "factcheck", "format": "WARC File Format 1.1"}
    )
    writer.write_record(info)
    path = _request_target(exchange.url)
    request_headers = StatusAndHeaders(
        f"GET {path} HTTP/1.1", _pairs(exchange.request_headers), is_http_request=True
    )
    request = writer.create_warc_record(
        exchange.url,
        "request",
        payload=io.BytesIO(b""),
        length=0,
        http_headers=request_headers,
        warc_headers_dict={"WARC-Date": date},
    )
    response_headers = StatusAndHeaders(
        f"{exchange.status_code} {_reason(exchange.status_code)}",
        _stored_response_headers(exchange),
        protocol="HTTP/1.1",
    )
    response = writer.create_warc_record(
        exchange.url,
        "response",
        payload=io.BytesIO(exchange.body),
        length=len(exchange.body),
        http_headers=response_headers,
        warc_headers_dict={"WARC-Date": date},
    )
    request.rec_headers.add_header("WARC-Concurrent-To", response.rec_headers["WARC-Record-ID"])
    writer.write_record(request)
    writer.write_record(response)
    return out.getvalue()


def _request_target(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def _pairs(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    # A header value with a line break would forge the next header line.
    return [(str(name), " ".join(str(value).splitlines())) for name, value in headers]


def _stored_response_headers(exchange: Exchange) -> list[tuple[str, str]]:
    headers = [
        (f"{ORIGINAL_PREFIX}{name}" if name.lower() in _TRANSFER_HEADERS else name, value)
        for name, value in _pairs(exchange.response_headers)
    ]
    headers.append(("Content-Length", str(len(exchange.body))))
    return headers
