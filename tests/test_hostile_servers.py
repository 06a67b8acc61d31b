"""The SSRF-safe fetcher against servers that attack it, all on 127.0.0.1.

Each server is a raw socket in a thread, so it can send what no well-behaved HTTP server
would: bombs that expand to gigabytes, responses dripped a byte at a time, redirects to
other schemes, protocol garbage. Every test is bounded in time by small limits.
"""

from __future__ import annotations

import gzip
import socket
import struct
import threading
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from fetching import content_decoding, safe_http
from fetching.safe_http import (
    BadResponse,
    BlockedURL,
    ConnectionFailed,
    FetchError,
    FetchPolicy,
    FetchResponse,
    FetchTimeout,
    HostBusy,
    RedirectRefused,
    fetch,
)
from tests.webserver import PageServer, serve_pages

try:
    import brotli
except ImportError:  # pragma: no cover - brotli is a dependency; br is refused without it
    brotli = None

MIB = 1024 * 1024
GIB = 1024 * MIB
MEMORY_BUDGET = 100 * MIB
TOTAL = 2.0  # seconds: the total time limit of every fetch here
QUICK = FetchPolicy(
    allow_loopback=True, connect_timeout=1, read_timeout=1, total_timeout=TOTAL, max_per_host=8
)
# Each drip byte comes well inside the read timeout: only the total limit can end it.
PATIENT = FetchPolicy(
    allow_loopback=True, connect_timeout=5, read_timeout=5, total_timeout=TOTAL, max_per_host=8
)
needs_brotli = pytest.mark.skipif(
    not content_decoding.BROTLI_SUPPORTED, reason="brotli with a bounded output is not installed"
)

Behaviour = Callable[[socket.socket, "HostileServer"], None]


# --- The server -------------------------------------------------------------------


@dataclass
class HostileServer:
    port: int
    routes: dict[str, Behaviour] = field(default_factory=dict)
    stop: threading.Event = field(default_factory=threading.Event)
    connections: int = 0
    paths: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    raw: Behaviour | None = None  # for every connection, before any request is read (TLS)

    def url(self, path: str, scheme: str = "http") -> str:
        return f"{scheme}://127.0.0.1:{self.port}{path}"

    def route(self, path: str, behaviour: Behaviour) -> str:
        self.routes[path] = behaviour
        return self.url(path)

    def drip(self, connection: socket.socket, data: bytes, every: float) -> None:
        """Send ``data`` a byte at a time, one every ``every`` seconds."""
        for byte in data:
            if self.stop.wait(every):
                return
            connection.sendall(bytes([byte]))


def _handle(connection: socket.socket, server: HostileServer) -> None:
    with connection:
        try:
            connection.settimeout(5)
            if server.raw is not None:
                server.raw(connection, server)
                return
            request = b""
            while b"\r\n\r\n" not in request:
                data = connection.recv(65536)
                if not data:
                    return
                request += data
            path = request.split(b" ", 2)[1].decode("latin-1")
            with server.lock:
                server.paths.append(path)
            behaviour = server.routes.get(path.split("?")[0])
            if behaviour is None:
                connection.sendall(_response(b"not here", status=b"404 Not Found"))
            else:
                behaviour(connection, server)
        except OSError:
            pass  # the fetcher hangs up on purpose: caps, timeouts, refusals


def _serve(listener: socket.socket, server: HostileServer) -> None:
    listener.settimeout(0.1)  # to notice ``stop``: closing a socket does not wake accept()
    while not server.stop.is_set():
        try:
            connection, _ = listener.accept()
        except TimeoutError:
            continue
        except OSError:
            return
        with server.lock:
            server.connections += 1
        threading.Thread(target=_handle, args=(connection, server), daemon=True).start()


@contextmanager
def _running(raw: Behaviour | None = None) -> Iterator[HostileServer]:
    listener = socket.create_server(("127.0.0.1", 0))
    server = HostileServer(port=listener.getsockname()[1], raw=raw)
    thread = threading.Thread(target=_serve, args=(listener, server), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.stop.set()
        thread.join(timeout=5)
        listener.close()


@pytest.fixture(scope="module")
def hostile() -> Iterator[HostileServer]:
    with _running() as server:
        yield server


@pytest.fixture
def healthy() -> Iterator[PageServer]:
    with serve_pages() as pages:
        yield pages


@pytest.fixture
def fresh_slots(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test gets its own per-site slots, sized by its own policy."""
    monkeypatch.setattr(safe_http, "_host_slots", {})


def _response(
    body: bytes = b"",
    *,
    status: bytes = b"200 OK",
    headers: dict[str, str] | None = None,
    length: bool = True,
) -> bytes:
    lines = [b"HTTP/1.1 " + status, b"Content-Type: text/html; charset=utf-8"]
    lines += [f"{name}: {value}".encode("latin-1") for name, value in (headers or {}).items()]
    if length:
        lines.append(b"Content-Length: %d" % len(body))
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def _send(data: bytes) -> Behaviour:
    def behaviour(connection: socket.socket, server: HostileServer) -> None:
        connection.sendall(data)

    return behaviour


# --- Bombs ------------------------------------------------------------------------


def _deflate_of_zeros(size: int) -> bytes:
    """Raw deflate of ``size`` zero bytes, built in milliseconds rather than seconds.

    One MiB is compressed once; the full flush makes its blocks stand alone (no reference
    to earlier data, byte-aligned, not final), so they can simply be repeated.
    """
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    block = compressor.compress(bytes(MIB)) + compressor.flush(zlib.Z_FULL_FLUSH)
    return block * (size // MIB) + b"\x03\x00"  # an empty final block ends the stream


def _gzip_wrapped(deflate: bytes, size: int) -> bytes:
    crc = 0
    zeros = bytes(MIB)
    for _ in range(size // MIB):
        crc = zlib.crc32(zeros, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    return header + deflate + struct.pack("<II", crc, size & 0xFFFFFFFF)


def _zlib_wrapped(deflate: bytes, size: int) -> bytes:
    adler = (size % 65521) << 16 | 1  # Adler-32 of zeros: s1 stays 1, s2 counts the bytes
    return b"\x78\xda" + deflate + struct.pack(">I", adler)


def _brotli_of_zeros(size: int) -> bytes:
    assert brotli is not None
    compressor = brotli.Compressor(quality=1)
    zeros = bytes(MIB)
    return b"".join(compressor.process(zeros) for _ in range(size // MIB)) + compressor.finish()


@dataclass(frozen=True)
class Bomb:
    content_encoding: str
    body: bytes
    layers: list[str]  # to peel off, outermost first, down to ``base``
    base: str  # the name of the stream of a GiB of zeros inside: "deflate" or "br"


@dataclass(frozen=True)
class Bombs:
    bases: dict[str, bytes]  # raw deflate and brotli streams that decode to a GiB of zeros
    bombs: dict[str, Bomb]


@pytest.fixture(scope="module")
def made() -> Bombs:
    """Bodies of a few KB to a MB that each expand to 1 GiB of zeros."""
    deflate = _deflate_of_zeros(GIB)
    gzipped = _gzip_wrapped(deflate, GIB)
    wrapped = _zlib_wrapped(deflate, GIB)
    bases = {"deflate": deflate}
    bombs = {
        "gzip": Bomb("gzip", gzipped, ["gzip-header"], "deflate"),
        "x-gzip": Bomb("x-gzip", gzipped, ["gzip-header"], "deflate"),
        "deflate": Bomb("deflate", wrapped, ["zlib-header"], "deflate"),
        "raw deflate": Bomb("deflate", deflate, [], "deflate"),
        "gzip, gzip": Bomb(
            "gzip, gzip", gzip.compress(gzipped), ["gzip", "gzip-header"], "deflate"
        ),
        "deflate, gzip": Bomb(
            "deflate, gzip", gzip.compress(wrapped), ["gzip", "zlib-header"], "deflate"
        ),
        "gzip, deflate": Bomb(
            "gzip, deflate", zlib.compress(gzipped), ["zlib", "gzip-header"], "deflate"
        ),
        "gzip, identity": Bomb("gzip, identity", gzipped, ["gzip-header"], "deflate"),
        "gzip x4": Bomb(
            "gzip, gzip, gzip, gzip",
            gzip.compress(gzip.compress(gzip.compress(gzipped))),
            ["gzip", "gzip", "gzip", "gzip-header"],
            "deflate",
        ),
    }
    if brotli is not None:
        brotlied = bases["br"] = _brotli_of_zeros(GIB)
        bombs["br"] = Bomb("br", brotlied, [], "br")
        bombs["br, gzip"] = Bomb("br, gzip", gzip.compress(brotlied), ["gzip"], "br")
        bombs["gzip, br"] = Bomb(
            "gzip, br", brotli.compress(gzipped, quality=5), ["br", "gzip-header"], "deflate"
        )
    return Bombs(bases, bombs)


BOMBS = [
    "gzip",
    "x-gzip",
    "deflate",
    "raw deflate",
    "gzip, gzip",
    "deflate, gzip",
    "gzip, deflate",
    "gzip, identity",
    "gzip x4",
    pytest.param("br", marks=needs_brotli),
    pytest.param("br, gzip", marks=needs_brotli),
    pytest.param("gzip, br", marks=needs_brotli),
]


def _peel(layer: str, data: bytes) -> bytes:
    """One layer off: a whole small stream, or the header and trailer around the base."""
    if layer == "gzip-header":
        assert data[:3] == b"\x1f\x8b\x08"
        return data[10:-8]
    if layer == "zlib-header":
        assert zlib.decompressobj().decompress(data[:2] + b"\x03\x00") == b""  # a valid header
        return data[2:-4]
    if layer == "br":
        assert brotli is not None
        return bytes(brotli.decompress(data))
    return zlib.decompress(data, {"gzip": 31, "zlib": 15}[layer])


def _expanded_size(base: str, data: bytes) -> int:
    """How many bytes ``data`` decodes to, counted in bounded steps."""
    total = 0
    if base == "br":
        assert brotli is not None
        decompressor = brotli.Decompressor()
        out = decompressor.process(data, output_buffer_limit=4 * MIB)
        while out:
            total += len(out)
            out = decompressor.process(b"", output_buffer_limit=4 * MIB)
        return total
    stream = zlib.decompressobj(-zlib.MAX_WBITS)
    while data:
        total += len(stream.decompress(data, 4 * MIB))
        data = stream.unconsumed_tail
    assert stream.eof
    return total


@dataclass
class Measured:
    response: FetchResponse | None
    error: FetchError | None
    seconds: float
    traced_peak: int  # bytes, tracemalloc's peak during the fetch
    rss_growth: int | None  # bytes the process's peak RSS grew by, where Linux can tell


def _rss_peak() -> int | None:
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return None
    line = next((line for line in status.splitlines() if line.startswith("VmHWM:")), None)
    return int(line.split()[1]) * 1024 if line else None


def _reset_rss_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current RSS
    except OSError:
        return False
    return True


def _measured(url: str, policy: FetchPolicy) -> Measured:
    reset = _reset_rss_peak()
    rss_before = _rss_peak()
    tracemalloc.start()
    started = time.monotonic()
    response, error = None, None
    try:
        response = fetch(url, policy=policy)
    except FetchError as exc:
        error = exc
    seconds = time.monotonic() - started
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_after = _rss_peak()
    growth = rss_after - rss_before if reset and rss_before and rss_after else None
    return Measured(response, error, seconds, traced_peak, growth)


@pytest.mark.parametrize("base", ["deflate", pytest.param("br", marks=needs_brotli)])
def test_the_core_of_the_bombs_expands_to_a_gibibyte(made: Bombs, base: str) -> None:
    assert _expanded_size(base, made.bases[base]) >= GIB


@pytest.mark.parametrize("name", BOMBS)
def test_every_bomb_has_a_gibibyte_core_inside(made: Bombs, name: str) -> None:
    bomb = made.bombs[name]
    data = bomb.body
    for layer in bomb.layers:
        data = _peel(layer, data)

    assert data == made.bases[bomb.base]


@pytest.mark.parametrize("name", BOMBS)
def test_a_decompression_bomb_is_cut_at_the_cap_in_little_time_and_memory(
    hostile: HostileServer, made: Bombs, name: str
) -> None:
    bomb = made.bombs[name]
    url = hostile.route(
        f"/bomb/{name.replace(' ', '-')}",
        _send(_response(bomb.body, headers={"Content-Encoding": bomb.content_encoding})),
    )
    policy = FetchPolicy(allow_loopback=True, total_timeout=TOTAL)

    measured = _measured(url, policy)

    assert measured.error is None
    assert measured.response is not None
    assert measured.response.truncated
    assert measured.response.body == bytes(policy.max_bytes)
    assert measured.seconds < 1.5
    assert measured.traced_peak < MEMORY_BUDGET
    if measured.rss_growth is not None:
        assert measured.rss_growth < MEMORY_BUDGET


def test_the_raw_body_is_capped_too(hostile: HostileServer) -> None:
    # Stored (uncompressed) deflate blocks: the raw body is as large as the decoded one.
    compressor = zlib.compressobj(0, zlib.DEFLATED, -zlib.MAX_WBITS)
    stored = compressor.compress(b"x" * 3 * MIB) + compressor.flush()
    url = hostile.route(
        "/stored", _send(_response(stored, headers={"Content-Encoding": "deflate"}))
    )

    response = fetch(url, policy=FetchPolicy(allow_loopback=True, max_bytes=MIB))

    assert response.truncated
    assert response.body == b"x" * MIB


# --- Honest compressed pages ----------------------------------------------------------

PAGE = (
    "<!doctype html><html><head><title>Budget 2025</title></head><body>"
    + "<p>The council\u2019s budget rose by 4\u202f% — caf\xe9 prices too.</p>" * 2000
    + "</body></html>"
).encode()


def _raw_deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


def _chunked(data: bytes, size: int) -> bytes:
    chunks = [data[start : start + size] for start in range(0, len(data), size)]
    return b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for chunk in chunks) + b"0\r\n\r\n"


PAGES: list[Any] = [
    ("gzip", gzip.compress(PAGE)),
    ("x-gzip", gzip.compress(PAGE)),
    ("gzip, gzip", gzip.compress(gzip.compress(PAGE))),
    ("deflate", zlib.compress(PAGE)),
    ("deflate", _raw_deflate(PAGE)),
    ("deflate, gzip", gzip.compress(zlib.compress(PAGE))),
    ("identity", PAGE),
    ("GZip , identity", gzip.compress(PAGE)),
    pytest.param("gzip", gzip.compress(PAGE[:20000]) + gzip.compress(PAGE[20000:]), id="members"),
]
if brotli is not None:
    PAGES += [
        pytest.param("br", brotli.compress(PAGE), marks=needs_brotli),
        pytest.param("br, gzip", gzip.compress(brotli.compress(PAGE)), marks=needs_brotli),
    ]


@pytest.mark.parametrize(("encoding", "body"), PAGES)
def test_an_honestly_compressed_page_is_decoded(
    hostile: HostileServer, encoding: str, body: bytes
) -> None:
    url = hostile.route(
        f"/page/{len(hostile.routes)}",
        _send(_response(body, headers={"Content-Encoding": encoding})),
    )

    response = fetch(url, policy=QUICK)

    assert response.body == PAGE
    assert not response.truncated
    assert response.content_type == "text/html"
    assert response.charset == "utf-8"


def test_a_compressed_page_sent_in_tiny_chunks_is_decoded(hostile: HostileServer) -> None:
    body = _chunked(gzip.compress(gzip.compress(PAGE)), 7)
    headers = {"Content-Encoding": "gzip, gzip", "Transfer-Encoding": "chunked"}
    url = hostile.route("/chunked-gzip", _send(_response(body, headers=headers, length=False)))

    assert fetch(url, policy=QUICK).body == PAGE


def test_a_compressed_page_of_exactly_max_bytes_is_not_truncated(hostile: HostileServer) -> None:
    url = hostile.route(
        "/exact", _send(_response(gzip.compress(PAGE), headers={"Content-Encoding": "gzip"}))
    )

    exact = fetch(url, policy=FetchPolicy(allow_loopback=True, max_bytes=len(PAGE)))
    short = fetch(url, policy=FetchPolicy(allow_loopback=True, max_bytes=len(PAGE) - 1))

    assert (exact.body, exact.truncated) == (PAGE, False)
    assert (short.body, short.truncated) == (PAGE[:-1], True)


@pytest.mark.parametrize(
    ("encoding", "body", "reason"),
    [
        ("zstd", b"\x28\xb5\x2f\xfd", "unsupported content encoding ('zstd')"),
        ("compress", b"\x1f\x9d", "unsupported content encoding ('compress')"),
        ("gzip, gzip, gzip, gzip, gzip", b"", "at most 4 stacked content encodings"),
        ("gzip", b"this is not gzip at all", "the gzip body is corrupt"),
        ("deflate", b"\x78\x9c this is not deflate", "the deflate body is corrupt"),
        pytest.param("br", b"not brotli, not at all", "the br body is corrupt", marks=needs_brotli),
    ],
)
def test_a_body_that_cannot_be_decoded_fails_for_good(
    hostile: HostileServer, encoding: str, body: bytes, reason: str
) -> None:
    url = hostile.route(
        f"/undecodable/{len(hostile.routes)}",
        _send(_response(body, headers={"Content-Encoding": encoding})),
    )

    with pytest.raises(BadResponse) as caught:
        fetch(url, policy=QUICK)

    assert reason in caught.value.reason
    assert not caught.value.transient


# --- Drips ------------------------------------------------------------------------


def _header_drip(connection: socket.socket, server: HostileServer) -> None:
    connection.sendall(b"HTTP/1.1 200 OK\r\nX-Drip: ")
    server.drip(connection, b"a" * 10_000, every=0.2)


def _body_drip(connection: socket.socket, server: HostileServer) -> None:
    connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n")
    server.drip(connection, b"a" * 10_000, every=0.2)


def _chunked_drip(connection: socket.socket, server: HostileServer) -> None:
    connection.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
    server.drip(connection, b"1\r\na\r\n" * 10_000, every=0.05)


def _gzip_drip(connection: socket.socket, server: HostileServer) -> None:
    body = gzip.compress(PAGE)
    connection.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n\r\n" % len(body)
    )
    server.drip(connection, body, every=0.2)


def _silence(connection: socket.socket, server: HostileServer) -> None:
    server.stop.wait(30)


def _tls_drip(connection: socket.socket, server: HostileServer) -> None:
    connection.recv(65536)  # the ClientHello
    # A TLS handshake record header announcing 16 KB that arrive a byte at a time.
    server.drip(connection, b"\x16\x03\x03\x40\x00" + b"\x02" * 16_000, every=0.2)


DRIPS = [
    ("/drip/headers", _header_drip),
    ("/drip/body", _body_drip),
    ("/drip/chunks", _chunked_drip),
    ("/drip/gzip", _gzip_drip),
    ("/drip/silence", _silence),
]


def _healthy_fetches_while(busy: threading.Thread, healthy: PageServer) -> list[float]:
    """Fetch a healthy server over and over while ``busy`` runs; the seconds each took."""
    url = healthy.add("/fine", "<p>fine</p>")
    took = []
    give_up = time.monotonic() + TOTAL + 2  # a drip that is not cut must not hang the suite
    while busy.is_alive() and time.monotonic() < give_up:
        started = time.monotonic()
        assert fetch(url, policy=QUICK).body == b"<p>fine</p>"
        took.append(time.monotonic() - started)
        time.sleep(0.05)
    return took


def _fetch_in_thread(url: str, policy: FetchPolicy) -> tuple[threading.Thread, dict[str, Any]]:
    outcome: dict[str, Any] = {}

    def run() -> None:
        started = time.monotonic()
        try:
            outcome["response"] = fetch(url, policy=policy)
        except FetchError as exc:
            outcome["error"] = exc
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome


@pytest.mark.usefixtures("fresh_slots")
@pytest.mark.parametrize(("path", "behaviour"), DRIPS, ids=[path for path, _ in DRIPS])
def test_a_drip_ends_at_the_total_time_limit_while_other_fetches_go_on(
    hostile: HostileServer, healthy: PageServer, path: str, behaviour: Behaviour
) -> None:
    url = hostile.route(path, behaviour)
    drips = [_fetch_in_thread(url, PATIENT) for _ in range(2)]

    took = _healthy_fetches_while(drips[0][0], healthy)
    for thread, outcome in drips:
        thread.join(timeout=TOTAL + 2)
        assert isinstance(outcome.get("error"), FetchTimeout), outcome
        assert outcome["error"].transient
        assert outcome["seconds"] < TOTAL + 1
    assert len(took) >= 5
    assert max(took) < 1


def _plain_answer_to_tls(connection: socket.socket, server: HostileServer) -> None:
    connection.recv(65536)  # the ClientHello
    connection.sendall(_response(b"no TLS here"))


def test_a_tls_handshake_that_drips_ends_at_the_total_time_limit() -> None:
    with _running(raw=_tls_drip) as server:
        started = time.monotonic()
        with pytest.raises(FetchTimeout) as caught:
            fetch(server.url("/", scheme="https"), policy=PATIENT)
        seconds = time.monotonic() - started

    assert "longer than the 2.0s limit" in caught.value.reason
    assert seconds < TOTAL + 1


def test_a_plain_http_answer_to_a_tls_handshake_is_a_transient_connection_failure() -> None:
    with _running(raw=_plain_answer_to_tls) as server, pytest.raises(ConnectionFailed) as caught:
        fetch(server.url("/", scheme="https"), policy=QUICK)

    assert caught.value.transient
    assert "could not connect to 127.0.0.1: [SSL" in caught.value.reason


def _slow_hop(connection: socket.socket, server: HostileServer) -> None:
    """A redirect to the next hop, dripped over 0.6 s: well within every per-read timeout."""
    with server.lock:
        hop = sum(path.startswith("/slow-hop") for path in server.paths)
    head = f"HTTP/1.1 302 Found\r\nLocation: /slow-hop?{hop}\r\nContent-Length: 0\r\n\r\n"
    connection.sendall(head[:-6].encode())
    server.drip(connection, head[-6:].encode(), every=0.1)


def test_a_drip_across_redirects_is_bounded_by_one_total_deadline(hostile: HostileServer) -> None:
    url = hostile.route("/slow-hop", _slow_hop)
    policy = FetchPolicy(
        allow_loopback=True, read_timeout=1, connect_timeout=1, total_timeout=TOTAL
    )
    before = sum(path.startswith("/slow-hop") for path in hostile.paths)
    started = time.monotonic()

    with pytest.raises(FetchTimeout):
        fetch(url, policy=policy)

    assert time.monotonic() - started < TOTAL + 1
    hops = sum(path.startswith("/slow-hop") for path in hostile.paths) - before
    assert 3 <= hops <= 5  # redirects were followed, and five would have taken 3 s


def test_a_resolver_that_hangs_is_given_up_at_the_deadline(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    released = threading.Event()
    real = socket.getaddrinfo

    def hang(host: str, *args: Any, **kwargs: Any) -> Any:
        if host == "slow-dns.test":
            released.wait(10)
            raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", hang)
    started = time.monotonic()
    try:
        with pytest.raises(FetchTimeout, match=r"slow-dns\.test did not resolve"):
            fetch("http://slow-dns.test/", policy=FetchPolicy(total_timeout=1))
        seconds = time.monotonic() - started
    finally:
        released.set()

    assert seconds < 2


# --- Redirects that cannot be followed -------------------------------------------------

LOCATIONS: list[tuple[bytes, str]] = [
    (b"data:text/html,<script>alert(1)</script>", "scheme 'data' is not allowed"),
    (b"mailto:editor@example.com", "scheme 'mailto' is not allowed; only http and https"),
    (b"javascript:alert(document.cookie)", "scheme 'javascript' is not allowed"),
    (b"about:blank", "scheme 'about' is not allowed"),
    (b"tel:+441234567890", "scheme 'tel' is not allowed"),
    (b"urn:isbn:0451450523", "scheme 'urn' is not allowed"),
    (b"ftp://example.com/file", "scheme 'ftp' is not allowed"),
    (b"file:///etc/passwd", "scheme 'file' is not allowed"),
    (b"gopher://example.com/", "scheme 'gopher' is not allowed"),
    (b"ws://example.com/socket", "scheme 'ws' is not allowed"),
    (b"HTTPS:evil", "the URL has no host"),
    (b"http://", "the URL has no host"),
    (b"//", "the URL has no host"),
    (b"", "the Location header is empty"),
    (b"    ", "the Location header is empty"),
    (b"http://[::1", "not a valid URL"),
    (b"http://999.999.999.999/", "not a valid URL"),
    (b"https://xn--/", "not a valid URL"),
    (b"http://example.com:99999/", "impossible port"),
    (b"\x01\x02", "the Location contains control characters"),
    (b"/pa\x1bth", "the Location contains control characters"),
    (b"http://exa\tmple.com/", "the Location contains control characters"),
    (b"data:" + b"A" * 50_000, "scheme 'data' is not allowed"),
]


def _redirect_to(location: bytes) -> Behaviour:
    return _send(b"HTTP/1.1 302 Found\r\nLocation: " + location + b"\r\nContent-Length: 0\r\n\r\n")


@pytest.mark.parametrize(
    ("location", "reason"), LOCATIONS, ids=[repr(location[:30]) for location, _ in LOCATIONS]
)
def test_a_redirect_that_is_not_an_http_url_is_refused_with_the_reason(
    hostile: HostileServer, location: bytes, reason: str
) -> None:
    url = hostile.route(f"/redirect/{LOCATIONS.index((location, reason))}", _redirect_to(location))

    with pytest.raises(RedirectRefused) as caught:
        fetch(url, policy=QUICK)

    assert isinstance(caught.value, BlockedURL)
    assert caught.value.reason.startswith("redirect ")
    assert "refused: " in caught.value.reason
    assert reason in caught.value.reason
    assert len(caught.value.reason) < 300
    assert not caught.value.transient


def test_a_refused_redirect_after_a_good_one_names_only_the_bad_one(
    hostile: HostileServer,
) -> None:
    hostile.route("/to-mailto", _redirect_to(b"mailto:editor@example.com"))
    url = hostile.route("/to-to-mailto", _redirect_to(b"/to-mailto"))

    with pytest.raises(BlockedURL) as caught:
        fetch(url, policy=QUICK)

    assert caught.value.reason == (
        "redirect to mailto:editor@example.com refused: "
        "scheme 'mailto' is not allowed; only http and https"
    )


def test_a_redirect_without_a_location_is_returned_as_it_is(hostile: HostileServer) -> None:
    url = hostile.route("/302", _send(_response(b"moved", status=b"302 Found")))

    response = fetch(url, policy=QUICK)

    assert (response.status_code, response.body, response.redirects) == (302, b"moved", [])


# --- Protocol garbage ---------------------------------------------------------------

GARBAGE: list[tuple[str, bytes, str]] = [
    ("status line", b"HTTP/1.1 abc OK\r\nContent-Length: 0\r\n\r\n", "illegal status line"),
    ("status code", b"HTTP/1.1 9999 Odd\r\nContent-Length: 0\r\n\r\n", "illegal status line"),
    ("header", b"HTTP/1.1 200 OK\r\nBroken header\r\nContent-Length: 0\r\n\r\n", "header line"),
    ("nul", b"HTTP/1.1 200 OK\r\nX: a\x00b\r\nContent-Length: 0\r\n\r\n", "header line"),
    (
        "location nul",
        b"HTTP/1.1 302 Found\r\nLocation: http://exa\x00mple.com/\r\n\r\n",
        "illegal header line",
    ),
    (
        "lengths",
        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\nhello",
        "conflicting Content-Length",
    ),
    ("length", b"HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\n", "bad Content-Length"),
    (
        "chunk",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
        "illegal chunk header",
    ),
    (
        "transfer encoding",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nhello",
        "Transfer-Encoding",
    ),
    ("huge headers", b"HTTP/1.1 200 OK\r\nX-Pad: " + b"a" * 200_000, "Receive buffer too long"),
    ("upgrade", b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\nhello", "malformed"),
    ("http/2", b"\x00\x00\x12\x04\x00\x00\x00\x00\x00\r\n\r\n", "malformed response"),
]


@pytest.mark.parametrize(("name", "data", "reason"), GARBAGE, ids=[g[0] for g in GARBAGE])
def test_protocol_garbage_is_a_bad_response_that_is_not_retried(
    hostile: HostileServer, name: str, data: bytes, reason: str
) -> None:
    url = hostile.route(f"/garbage/{name.replace(' ', '-')}", _send(data))

    with pytest.raises(BadResponse) as caught:
        fetch(url, policy=QUICK)

    assert reason in caught.value.reason
    assert not caught.value.transient


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("at once", b"", "Server disconnected without sending a response"),
        ("in the headers", b"HTTP/1.1 200 OK\r\nContent-Le", "Server disconnected"),
        (
            "in the body",
            b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort",
            "peer closed connection without sending complete message body",
        ),
    ],
)
def test_a_server_that_hangs_up_early_is_a_transient_failure(
    hostile: HostileServer, name: str, data: bytes, reason: str
) -> None:
    url = hostile.route(f"/hang-up/{name.replace(' ', '-')}", _send(data))

    with pytest.raises(ConnectionFailed) as caught:
        fetch(url, policy=QUICK)

    assert reason in caught.value.reason
    assert caught.value.transient


def test_a_surprise_inside_the_fetcher_still_comes_out_as_a_fetch_error(
    hostile: HostileServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    def surprise(value: str | None) -> tuple[str | None, str | None]:
        raise RuntimeError("something nobody foresaw")

    monkeypatch.setattr(safe_http, "parse_content_type", surprise)
    url = hostile.route("/surprise", _send(_response(b"ok")))

    with pytest.raises(FetchError) as caught:
        fetch(url, policy=QUICK)

    assert "failed unexpectedly (RuntimeError: something nobody foresaw)" in caught.value.reason
    assert not caught.value.transient


# --- Busy sites ---------------------------------------------------------------------


_held = threading.Event()  # set to let the requests held by _hold get their answer


def _hold(connection: socket.socket, server: HostileServer) -> None:
    _held.wait(5)
    connection.sendall(_response(b"held"))


@pytest.mark.usefixtures("fresh_slots")
def test_host_busy_is_raised_before_any_connection_or_lookup(
    hostile: HostileServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = hostile.route("/hold", _hold)
    policy = FetchPolicy(allow_loopback=True, max_per_host=2, connect_timeout=0.2)
    _held.clear()
    holders = [_fetch_in_thread(url, policy) for _ in range(2)]
    try:
        deadline = time.monotonic() + 2
        while hostile.paths.count("/hold") < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        connections = hostile.connections
        lookups: list[str] = []
        real = socket.getaddrinfo

        def counting(host: str, *args: Any, **kwargs: Any) -> Any:
            lookups.append(host)
            return real(host, *args, **kwargs)

        monkeypatch.setattr(socket, "getaddrinfo", counting)
        with pytest.raises(HostBusy) as caught:
            fetch(url, policy=policy)
    finally:
        _held.set()
        for thread, _ in holders:
            thread.join(timeout=5)

    assert hostile.connections == connections
    assert lookups == []
    assert caught.value.transient
    assert 1 <= caught.value.retry_after <= policy.total_timeout
    assert f"try again in about {caught.value.retry_after:g}s" in caught.value.reason
    assert all("response" in outcome for _, outcome in holders)


@pytest.mark.usefixtures("fresh_slots")
def test_a_redirect_to_a_busy_site_waits_for_a_slot_instead_of_failing(
    hostile: HostileServer, healthy: PageServer
) -> None:
    busy = hostile.route("/hold", _hold)
    healthy.add("/to-busy", status=302, headers={"Location": busy})
    policy = FetchPolicy(allow_loopback=True, max_per_host=1, connect_timeout=0.2)
    _held.clear()
    holder, _ = _fetch_in_thread(busy, policy)
    deadline = time.monotonic() + 2
    while hostile.paths.count("/hold") < 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    threading.Timer(0.5, _held.set).start()

    response = fetch(healthy.url("/to-busy"), policy=policy)
    holder.join(timeout=5)

    assert response.body == b"held"
    assert response.redirects == [busy]
