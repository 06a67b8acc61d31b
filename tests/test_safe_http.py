"""The SSRF-safe fetcher, against a real HTTP server on 127.0.0.1 (and ::1 when available).

No test may send traffic off this machine: the autouse ``_no_real_dns`` fixture (conftest)
makes every name other than ``localhost`` and literal IPs fail to resolve, as ``.invalid``
names do, without asking DNS.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest

from fetching import safe_http
from fetching.safe_http import (
    BlockedURL,
    ConnectionFailed,
    DNSFailure,
    FetchPolicy,
    FetchResponse,
    FetchTimeout,
    HostBusy,
    TooManyRedirects,
    fetch,
    retry_after_seconds,
)
from tests.receiver import receiving
from tests.webserver import SHUTDOWN_POLL_SECONDS

LOOPBACK = FetchPolicy(allow_loopback=True, connect_timeout=2, read_timeout=2, total_timeout=5)
BIG_BODY_SIZE = 3 * 1024 * 1024
MEGABYTE = 1024 * 1024

GetAddrInfo = Callable[..., list[tuple[Any, ...]]]


@dataclass
class SeenRequest:
    path: str
    headers: dict[str, str]
    local_address: str  # the address the client actually connected to


@dataclass
class LocalServer:
    host: str
    port: int
    requests: list[SeenRequest] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)

    def url(self, path: str, host: str | None = None) -> str:
        name = host or (f"[{self.host}]" if ":" in self.host else self.host)
        return f"http://{name}:{self.port}{path}"

    def seen(self, path: str) -> SeenRequest:
        return next(request for request in reversed(self.requests) if request.path == path)


class Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        state = self.server.state
        state.requests.append(
            SeenRequest(self.path, dict(self.headers.items()), self.connection.getsockname()[0])
        )
        path, _, query = self.path.partition("?")
        if path == "/html":
            self._reply(200, "<p>Caf\xe9</p>".encode("latin-1"), "text/html; charset=ISO-8859-1")
        elif path.startswith("/status/"):
            self._reply(int(path.removeprefix("/status/")), b"status")
        elif path == "/429":
            self._reply(429, b"slow down", headers={"Retry-After": "7"})
        elif path.startswith("/chain/"):
            left = int(path.removeprefix("/chain/"))
            if left:
                self._reply(302, b"", headers={"Location": f"/chain/{left - 1}"})
            else:
                self._reply(200, b"end of chain")
        elif path == "/redirect-to":
            self._reply(302, b"", headers={"Location": parse_qs(query)["url"][0]})
        elif path == "/dir/relative":
            self._reply(301, b"", headers={"Location": "../html"})
        elif path == "/cookie-redirect":
            self._reply(302, b"", headers={"Location": "/echo", "Set-Cookie": "session=secret"})
        elif path == "/big":
            self._reply(200, b"x" * BIG_BODY_SIZE)
        elif path == "/slow":
            state.release.wait(timeout=5)
            self._reply(200, b"finally")
        elif path == "/trickle":
            self.send_response(200)
            self.send_header("Content-Length", "40")
            self.end_headers()
            for _ in range(40):
                self.wfile.write(b".")
                time.sleep(0.05)
        else:
            self._reply(200, b"echo")

    def _reply(
        self,
        status: int,
        body: bytes,
        content_type: str = "text/plain",
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    state: LocalServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # the fetcher hangs up on purpose (truncation, timeouts)


class _Server6(_Server):
    address_family = socket.AF_INET6


def _serve(server_class: type[_Server], host: str) -> Iterator[LocalServer]:
    httpd = server_class((host, 0), Handler)
    httpd.state = LocalServer(host=host, port=httpd.server_address[1])
    thread = threading.Thread(
        target=httpd.serve_forever, args=(SHUTDOWN_POLL_SECONDS,), daemon=True
    )
    thread.start()
    yield httpd.state
    httpd.state.release.set()
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def server() -> Iterator[LocalServer]:
    yield from _serve(_Server, "127.0.0.1")


@pytest.fixture(scope="module")
def server6() -> Iterator[LocalServer]:
    try:
        _Server6(("::1", 0), Handler).server_close()
    except OSError:
        pytest.skip("this machine has no IPv6 loopback")
    yield from _serve(_Server6, "::1")


@pytest.fixture
def no_connections(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("a blocked URL must not be connected to")

    monkeypatch.setattr(safe_http.httpx, "Client", refuse)


def _fake_resolver(monkeypatch: pytest.MonkeyPatch, name: str, answers: list[str]) -> list[str]:
    """Answer ``name`` with ``answers`` in turn; return the list of lookups made for it."""
    lookups: list[str] = []
    fallback: GetAddrInfo = socket.getaddrinfo

    def resolve(host: str, port: int, *args: Any, **kwargs: Any) -> list[tuple[Any, ...]]:
        if host != name:
            return fallback(host, port, *args, **kwargs)
        address = answers[min(len(lookups), len(answers) - 1)]
        lookups.append(address)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    return lookups


def test_a_page_comes_back_with_its_media_type_and_charset(server: LocalServer) -> None:
    response = fetch(server.url("/html"), policy=LOOPBACK)

    assert response.status_code == 200
    assert response.url == response.final_url == server.url("/html")
    assert response.content_type == "text/html"
    assert response.charset == "iso-8859-1"
    assert response.body.decode(response.charset) == "<p>Caf\xe9</p>"
    assert response.headers["content-length"] == str(len(response.body))
    assert not response.truncated
    assert response.redirects == []
    assert 0 < response.elapsed < 2


def test_the_request_carries_our_user_agent_and_accept_headers(server: LocalServer) -> None:
    policy = FetchPolicy(allow_loopback=True, user_agent="factcheck-test/1")
    fetch(server.url("/echo?ua"), policy=policy)

    seen = server.seen("/echo?ua")
    assert seen.headers["User-Agent"] == "factcheck-test/1"
    assert seen.headers["Accept"] == safe_http.ACCEPT
    assert "Cookie" not in seen.headers


def test_the_default_user_agent_names_factcheck(server: LocalServer) -> None:
    fetch(server.url("/echo?default-ua"), policy=LOOPBACK)

    assert server.seen("/echo?default-ua").headers["User-Agent"] == safe_http.DEFAULT_USER_AGENT


def test_a_name_is_sent_as_host_header_while_connecting_to_its_checked_address(
    server: LocalServer,
) -> None:
    response = fetch(server.url("/echo?named", host="localhost"), policy=LOOPBACK)

    assert response.status_code == 200
    seen = server.seen("/echo?named")
    assert seen.headers["Host"] == f"localhost:{server.port}"
    assert seen.local_address == "127.0.0.1"


@pytest.mark.parametrize("status", [404, 410, 500])
def test_http_error_statuses_are_returned_not_raised(server: LocalServer, status: int) -> None:
    response = fetch(server.url(f"/status/{status}"), policy=LOOPBACK)

    assert response.status_code == status
    assert response.body == b"status"


def test_a_429_tells_how_long_to_wait(server: LocalServer) -> None:
    response = fetch(server.url("/429"), policy=LOOPBACK)

    assert response.status_code == 429
    assert retry_after_seconds(response) == 7.0


def test_one_redirect_is_followed(server: LocalServer) -> None:
    response = fetch(server.url("/chain/1"), policy=LOOPBACK)

    assert response.status_code == 200
    assert response.body == b"end of chain"
    assert response.url == server.url("/chain/1")
    assert response.final_url == server.url("/chain/0")
    assert response.redirects == [server.url("/chain/0")]


def test_exactly_max_redirects_hops_are_followed(server: LocalServer) -> None:
    response = fetch(server.url("/chain/5"), policy=LOOPBACK)

    assert len(response.redirects) == 5
    assert response.final_url == server.url("/chain/0")


def test_six_redirects_are_too_many(server: LocalServer) -> None:
    with pytest.raises(TooManyRedirects) as caught:
        fetch(server.url("/chain/6"), policy=LOOPBACK)

    assert not caught.value.transient
    assert "more than 5 redirects" in caught.value.reason


def test_a_relative_redirect_resolves_against_the_current_url(server: LocalServer) -> None:
    response = fetch(server.url("/dir/relative"), policy=LOOPBACK)

    assert response.final_url == server.url("/html")
    assert response.redirects == [server.url("/html")]
    assert response.content_type == "text/html"


def test_cookies_set_by_a_redirect_are_not_sent_on_the_next_hop(server: LocalServer) -> None:
    fetch(server.url("/cookie-redirect"), policy=LOOPBACK)

    assert "Cookie" not in server.seen("/echo").headers


@pytest.mark.parametrize(
    ("location", "reason"),
    [
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),
        ("http://10.0.0.1/", "10.0.0.1 is a private address"),
        ("http://[::ffff:127.0.0.1]/", "IPv4-mapped IPv6 address (embeds 127.0.0.1)"),
        ("ftp://example.com/", "scheme 'ftp' is not allowed; only http and https"),
        ("file:///etc/passwd", "scheme 'file' is not allowed"),
    ],
)
def test_a_redirect_to_a_blocked_place_is_refused_even_with_loopback_allowed(
    server: LocalServer, location: str, reason: str
) -> None:
    with pytest.raises(BlockedURL) as caught:
        fetch(server.url(f"/redirect-to?url={location}"), policy=LOOPBACK)

    assert caught.value.reason.startswith("redirect to ")
    assert "refused: " in caught.value.reason
    assert reason in caught.value.reason
    assert not caught.value.transient


def test_a_large_body_is_cut_at_max_bytes(server: LocalServer) -> None:
    policy = FetchPolicy(allow_loopback=True, max_bytes=MEGABYTE)
    response = fetch(server.url("/big"), policy=policy)

    assert response.status_code == 200
    assert len(response.body) == MEGABYTE
    assert response.truncated


def test_a_body_of_exactly_max_bytes_is_not_truncated(server: LocalServer) -> None:
    policy = FetchPolicy(allow_loopback=True, max_bytes=BIG_BODY_SIZE)
    response = fetch(server.url("/big"), policy=policy)

    assert len(response.body) == BIG_BODY_SIZE
    assert not response.truncated


def test_a_server_slower_than_the_read_timeout_times_out(server: LocalServer) -> None:
    policy = FetchPolicy(allow_loopback=True, read_timeout=0.3)
    started = time.monotonic()
    with pytest.raises(FetchTimeout) as caught:
        fetch(server.url("/slow"), policy=policy)

    assert caught.value.transient
    assert time.monotonic() - started < 1.5


def test_a_body_that_trickles_past_the_total_timeout_times_out(server: LocalServer) -> None:
    policy = FetchPolicy(allow_loopback=True, read_timeout=1, total_timeout=0.5)
    started = time.monotonic()
    with pytest.raises(FetchTimeout):
        fetch(server.url("/trickle"), policy=policy)

    assert time.monotonic() - started < 1.5


def test_a_closed_port_is_a_transient_connection_failure() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nobody listens here once the socket closes
    with pytest.raises(ConnectionFailed) as caught:
        fetch(f"http://127.0.0.1:{port}/", policy=LOOPBACK)

    assert caught.value.transient


def test_a_host_with_all_slots_busy_is_refused_as_transient(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(safe_http, "_host_slots", {})
    policy = FetchPolicy(allow_loopback=True, max_per_host=1, connect_timeout=0.2, read_timeout=5)
    server.release.clear()
    slow_before = sum(r.path == "/slow" for r in server.requests)
    first = threading.Thread(target=fetch, args=(server.url("/slow"),), kwargs={"policy": policy})
    first.start()
    try:
        # Wait until the first request reached the server: it holds the only slot.
        deadline = time.monotonic() + 2
        while (
            sum(r.path == "/slow" for r in server.requests) == slow_before
            and time.monotonic() < deadline
        ):
            time.sleep(0.01)
        with pytest.raises(HostBusy) as caught:
            fetch(server.url("/echo?busy"), policy=policy)
    finally:
        server.release.set()
        first.join()
        server.release.clear()

    assert caught.value.transient
    assert fetch(server.url("/echo?free"), policy=policy).status_code == 200


def test_ipv6_loopback_is_allowed_only_when_asked(server6: LocalServer) -> None:
    response = fetch(server6.url("/echo?v6"), policy=LOOPBACK)

    assert response.status_code == 200
    assert server6.seen("/echo?v6").headers["Host"] == f"[::1]:{server6.port}"
    with pytest.raises(BlockedURL, match=r"::1 is a loopback address"):
        fetch(server6.url("/echo"))


def test_the_address_checked_is_the_address_connected_to(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    lookups = _fake_resolver(monkeypatch, "rebind.test", ["127.0.0.1", "10.0.0.1"])

    response = fetch(server.url("/echo?rebind", host="rebind.test"), policy=LOOPBACK)

    assert response.status_code == 200
    assert lookups == ["127.0.0.1"]  # one lookup; a second one would have said 10.0.0.1
    assert server.seen("/echo?rebind").headers["Host"] == f"rebind.test:{server.port}"


def test_every_redirect_hop_is_resolved_and_checked_again(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    lookups = _fake_resolver(monkeypatch, "rebind.test", ["127.0.0.1", "10.0.0.1"])
    again = server.url("/echo", host="rebind.test")

    with pytest.raises(
        BlockedURL, match=r"rebind\.test resolves to a blocked address: 10\.0\.0\.1"
    ):
        fetch(server.url(f"/redirect-to?url={again}", host="rebind.test"), policy=LOOPBACK)

    assert lookups == ["127.0.0.1", "10.0.0.1"]


def test_https_dials_the_checked_address_but_verifies_tls_against_the_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _fake_resolver(monkeypatch, "secure.test", ["127.0.0.1"])
    sent: list[dict[str, Any]] = []

    class RecordingClient:
        def __init__(self, **kwargs: Any) -> None:
            sent.append(kwargs)

        def __enter__(self) -> RecordingClient:
            return self

        def __exit__(self, *exc_info: object) -> None:
            return None

        def stream(self, method: str, url: httpx.URL, **kwargs: Any) -> None:
            sent.append({"method": method, "url": str(url), **kwargs})
            raise httpx.ConnectError("recorded, not sent")

    monkeypatch.setattr(safe_http.httpx, "Client", RecordingClient)
    with pytest.raises(ConnectionFailed):
        fetch("https://secure.test:8443/a?b=1", policy=LOOPBACK)

    client, request = sent
    assert client["follow_redirects"] is False
    assert client["trust_env"] is False
    assert request["method"] == "GET"
    assert request["url"] == "https://127.0.0.1:8443/a?b=1"
    assert request["headers"]["Host"] == "secure.test:8443"
    assert request["extensions"] == {"sni_hostname": "secure.test"}


@pytest.mark.usefixtures("no_connections")
@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1/", "127.0.0.1 is a loopback address"),
        ("http://localhost/", "localhost resolves to a blocked address: 127.0.0.1 is a loopback"),
        ("http://[::1]/", "::1 is a loopback address"),
        ("http://2130706433/", "127.0.0.1 is a loopback address"),
        ("http://0x7f000001/", "127.0.0.1 is a loopback address"),
        ("http://0x7f.1/", "127.0.0.1 is a loopback address"),
        ("http://017700000001/", "127.0.0.1 is a loopback address"),
        ("http://127.1/", "127.0.0.1 is a loopback address"),
        ("http://10.0.0.1/", "10.0.0.1 is a private address"),
        ("http://172.16.0.1/", "172.16.0.1 is a private address"),
        ("http://192.168.1.1/", "192.168.1.1 is a private address"),
        ("http://100.64.0.1/", "100.64.0.1 is a shared address"),
        ("http://169.254.169.254/", "169.254.169.254 is a link-local address"),
        ("http://0.0.0.0/", "0.0.0.0 is an unspecified address"),
        ("http://0.1.2.3/", '0.1.2.3 is a "this network" address'),
        ("http://224.0.0.1/", "224.0.0.1 is a multicast address"),
        ("http://240.0.0.1/", "240.0.0.1 is a reserved address"),
        ("http://255.255.255.255/", "255.255.255.255 is the broadcast address"),
        ("http://[fc00::1]/", "fc00::1 is a unique-local address"),
        ("http://[fe80::1]/", "fe80::1 is a link-local address"),
        ("http://[ff02::1]/", "ff02::1 is a multicast address"),
        ("http://[::]/", ":: is an unspecified address"),
        ("http://[::ffff:127.0.0.1]/", "IPv4-mapped IPv6 address (embeds 127.0.0.1)"),
        ("http://[::ffff:10.0.0.1]/", "IPv4-mapped IPv6 address (embeds 10.0.0.1)"),
        ("http://[2002:7f00:1::1]/", "2002:7f00:1::1 is a 6to4 address (embeds 127.0.0.1)"),
        ("http://[2001::7f00:1]/", "2001::7f00:1 is a Teredo address (embeds 128.255.255.254)"),
        ("http://[64:ff9b::a00:1]/", "64:ff9b::a00:1 is a NAT64 address (embeds 10.0.0.1)"),
        ("https://127.0.0.1:8443/", "127.0.0.1 is a loopback address"),
    ],
)
def test_non_public_addresses_are_refused_before_connecting(url: str, reason: str) -> None:
    with pytest.raises(BlockedURL) as caught:
        fetch(url)

    assert reason in caught.value.reason
    assert not caught.value.transient


@pytest.mark.usefixtures("no_connections")
@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://example.com/file", "scheme 'ftp' is not allowed; only http and https"),
        ("file:///etc/passwd", "scheme 'file' is not allowed; only http and https"),
        ("javascript:alert(1)", "scheme 'javascript' is not allowed; only http and https"),
        ("http://user:pw@example.com/", "credentials"),
        ("http://user@example.com/", "credentials"),
        ("http://example.com@127.0.0.1/", "credentials"),
        ("http://example.com:80@169.254.169.254/", "credentials"),
        ("http:///no-host", "has no host"),
        ("http://[::1/", "is not a valid URL"),
    ],
)
def test_urls_of_the_wrong_shape_are_refused_before_resolving(url: str, reason: str) -> None:
    with pytest.raises(BlockedURL) as caught:
        fetch(url)

    assert reason in caught.value.reason


@pytest.mark.usefixtures("no_connections")
@pytest.mark.parametrize(
    "url",
    ["http://10.0.0.1/", "http://169.254.169.254/", "http://0.0.0.0/", "http://[::ffff:7f00:1]/"],
)
def test_allowing_loopback_still_refuses_everything_else_private(url: str) -> None:
    with pytest.raises(BlockedURL):
        fetch(url, policy=LOOPBACK)


@pytest.mark.usefixtures("no_connections")
@pytest.mark.parametrize(
    ("name", "address", "reason"),
    [
        ("news.example.com", "10.1.2.3", "10.1.2.3 is a private address"),
        ("cdn.example.org", "169.254.169.254", "169.254.169.254 is a link-local address"),
        ("api.example.net", "127.0.0.1", "127.0.0.1 is a loopback address"),
    ],
)
def test_a_public_looking_name_that_resolves_to_a_private_address_is_refused(
    monkeypatch: pytest.MonkeyPatch, name: str, address: str, reason: str
) -> None:
    _fake_resolver(monkeypatch, name, [address])
    with pytest.raises(BlockedURL) as caught:
        fetch(f"https://{name}/report.pdf")
    assert f"{name} resolves to a blocked address: {reason}" in caught.value.reason


def test_allowing_loopback_allows_127_0_0_1(server: LocalServer) -> None:
    assert fetch(server.url("/echo"), policy=LOOPBACK).status_code == 200
    with pytest.raises(BlockedURL):
        fetch(server.url("/echo"))


@pytest.mark.usefixtures("no_connections")
def test_a_host_that_does_not_resolve_is_a_dns_failure_and_not_transient() -> None:
    with pytest.raises(DNSFailure) as caught:
        fetch("http://does-not-exist.invalid/")

    assert caught.value.reason.startswith("does-not-exist.invalid does not resolve")
    assert not caught.value.transient


@pytest.mark.usefixtures("no_connections")
def test_a_malformed_host_name_is_a_dns_failure() -> None:
    with pytest.raises(DNSFailure, match="is not a valid host name") as caught:
        fetch(f"http://{'a' * 64}.example/")

    assert not caught.value.transient


@pytest.mark.usefixtures("no_connections")
def test_a_resolver_that_fails_temporarily_is_a_transient_dns_failure(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def try_again(*args: Any, **kwargs: Any) -> None:
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    monkeypatch.setattr(socket, "getaddrinfo", try_again)
    with pytest.raises(DNSFailure) as caught:
        fetch("http://example.com/")

    assert caught.value.transient


def _with_retry_after(value: str | None) -> FetchResponse:
    headers = {} if value is None else {"retry-after": value}
    return FetchResponse(503, "u", "u", headers, None, None, b"", truncated=False)


def test_retry_after_in_seconds_is_read_as_is() -> None:
    assert retry_after_seconds(_with_retry_after("120")) == 120.0


def test_retry_after_as_an_http_date_counts_from_now() -> None:
    now = datetime(2025, 3, 1, 12, 0, 0, tzinfo=UTC)
    response = _with_retry_after("Sat, 01 Mar 2025 12:01:30 GMT")

    assert retry_after_seconds(response, now=now) == 90.0


def test_retry_after_in_the_past_means_no_wait() -> None:
    now = datetime(2025, 3, 1, 12, 0, 0, tzinfo=UTC)

    assert retry_after_seconds(_with_retry_after("Sat, 01 Mar 2025 11:00:00 GMT"), now=now) == 0


@pytest.mark.parametrize("value", [None, "", "soon", "-5", "\u00b2"])
def test_a_missing_or_unreadable_retry_after_is_none(value: str | None) -> None:
    assert retry_after_seconds(_with_retry_after(value)) is None


# --- POST (webhook deliveries) -------------------------------------------------


def test_a_post_sends_its_body_and_headers_and_follows_no_redirect() -> None:
    with receiving([307]) as receiver:
        policy = FetchPolicy(allow_loopback=True)
        headers = {"Content-Type": "application/json", "webhook-id": "msg_1"}
        redirected = safe_http.post(
            receiver.url(), body=b'{"a": 1}', headers=headers, policy=policy
        )
        answered = safe_http.post(receiver.url(), body=b'{"a": 2}', headers=headers, policy=policy)

    assert (redirected.status_code, redirected.redirects) == (307, [])
    assert answered.status_code == 200
    assert [r.path for r in receiver.received] == ["/hook", "/hook"]
    assert receiver.received[1].body == b'{"a": 2}'
    assert receiver.received[1].headers["webhook-id"] == "msg_1"
    assert receiver.received[1].headers["content-type"] == "application/json"


def test_a_post_to_a_blocked_address_is_refused_before_connecting(no_connections: None) -> None:
    with pytest.raises(BlockedURL, match="link-local"):
        safe_http.post("http://169.254.169.254/", body=b"{}", headers={})


def test_a_destination_is_checked_without_sending_anything(no_connections: None) -> None:
    safe_http.check_destination("http://127.0.0.1:9/", policy=FetchPolicy(allow_loopback=True))
    with pytest.raises(BlockedURL, match="private"):
        safe_http.check_destination("http://10.1.2.3/hook")
