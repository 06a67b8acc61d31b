"""Fetch user-supplied URLs without letting them reach our own network (SSRF).

Sources are pasted by reviewers, so every URL is hostile until checked: it may point at
the cloud metadata service, a database on the private network, or a name that resolves to a
public address now and to 127.0.0.1 a second later (DNS rebinding). This module therefore

* accepts only http(s) URLs with a host and without credentials,
* resolves the host once per hop and refuses it if *any* address is not public,
* connects to exactly the address it checked (Host header and TLS SNI keep the name),
* follows redirects itself, repeating every check on every hop,
* caps body size, total time and concurrent requests per host.

It does not import Django so it can be used and tested from anywhere.
"""

from __future__ import annotations

import email.message
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

DEFAULT_USER_AGENT = "factcheck/0.1 (+https://github.com/factcheck; source checker)"
ACCEPT = "text/html,application/xhtml+xml,application/pdf,text/plain;q=0.9,*/*;q=0.5"
ALLOWED_SCHEMES = frozenset({"http", "https"})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})

# Checked in order, so the specific labels win over the general ones below them. Written out
# rather than taken from ``is_private`` because the standard library's idea of "private" has
# changed between Python releases and never covered 100.64.0.0/10, 6to4 or NAT64.
_BLOCKED_NETWORKS: tuple[tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, str], ...] = tuple(
    (ipaddress.ip_network(network), label)
    for network, label in (
        ("0.0.0.0/32", "an unspecified address"),
        ("0.0.0.0/8", 'a "this network" address (0.0.0.0/8)'),
        ("10.0.0.0/8", "a private address"),
        ("172.16.0.0/12", "a private address"),
        ("192.168.0.0/16", "a private address"),
        ("100.64.0.0/10", "a shared address (carrier-grade NAT, 100.64.0.0/10)"),
        ("127.0.0.0/8", "a loopback address"),
        ("169.254.0.0/16", "a link-local address"),
        ("192.0.0.0/24", "a reserved address (IETF protocol assignments)"),
        ("192.0.2.0/24", "a documentation address"),
        ("198.51.100.0/24", "a documentation address"),
        ("203.0.113.0/24", "a documentation address"),
        ("198.18.0.0/15", "a benchmarking address"),
        ("224.0.0.0/4", "a multicast address"),
        ("255.255.255.255/32", "the broadcast address"),
        ("240.0.0.0/4", "a reserved address"),
        ("::/128", "an unspecified address"),
        ("::1/128", "a loopback address"),
        # The next four embed an IPv4 address; refusing them outright is simpler and safer
        # than decoding the embedded address, and no real site needs them.
        ("::ffff:0:0/96", "an IPv4-mapped IPv6 address"),
        ("64:ff9b::/96", "a NAT64 address"),
        ("64:ff9b:1::/48", "a NAT64 address"),
        ("2001::/32", "a Teredo address"),
        ("2002::/16", "a 6to4 address"),
        ("2001:db8::/32", "a documentation address"),
        ("fc00::/7", "a unique-local address"),
        ("fe80::/10", "a link-local address"),
        ("fec0::/10", "a site-local address"),
        ("ff00::/8", "a multicast address"),
    )
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_LOOPBACK_NETWORKS = (ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128"))


@dataclass(frozen=True)
class FetchPolicy:
    """Limits for one fetch; the defaults suit checking a source page from a worker."""

    max_bytes: int = 10 * 1024 * 1024
    connect_timeout: float = 5.0
    read_timeout: float = 15.0
    total_timeout: float = 30.0
    max_redirects: int = 5
    allow_loopback: bool = False  # for tests and local development only
    user_agent: str = DEFAULT_USER_AGENT
    max_per_host: int = 2


@dataclass
class FetchResponse:
    """What came back. HTTP error statuses land here too: the caller decides what they mean."""

    status_code: int
    url: str
    final_url: str
    headers: dict[str, str]  # lower-case names; repeated headers joined with ", "
    content_type: str | None
    charset: str | None
    body: bytes
    truncated: bool
    redirects: list[str] = field(default_factory=list)
    elapsed: float = 0.0


class FetchError(Exception):
    """A fetch that produced no response. ``transient`` says whether retrying later may help."""

    transient: bool = False

    def __init__(self, reason: str, *, transient: bool | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        if transient is not None:
            self.transient = transient


class BlockedURL(FetchError):
    """Refused before connecting: wrong scheme, credentials, or a non-public address."""


class DNSFailure(FetchError):
    """The host did not resolve. Usually a dead link; transient only for resolver hiccups."""


class FetchTimeout(FetchError):
    transient = True


class ConnectionFailed(FetchError):
    transient = True


class TooManyRedirects(FetchError):
    pass


class HostBusy(FetchError):
    """Too many requests to this host are already in flight from this process."""

    transient = True


@dataclass(frozen=True)
class _Target:
    url: httpx.URL
    host: str  # IDNA-encoded, without IPv6 brackets: what we resolve and verify TLS against
    port: int
    netloc: str  # what goes in the Host header: brackets and non-default port included


@dataclass(frozen=True)
class _Hop:
    status_code: int
    headers: dict[str, str]
    body: bytes
    truncated: bool


_host_slots: dict[str, threading.BoundedSemaphore] = {}
_host_slots_lock = threading.Lock()
_shared_tls_context: ssl.SSLContext | None = None
_tls_context_lock = threading.Lock()


def fetch(url: str, *, policy: FetchPolicy | None = None) -> FetchResponse:
    """GET ``url``, following redirects, refusing anything that could reach a private network.

    Raises a ``FetchError`` subclass when there is no HTTP response to return.
    """
    policy = policy or FetchPolicy()
    started = time.monotonic()
    deadline = started + policy.total_timeout
    redirects: list[str] = []
    current = url
    while True:
        try:
            target = _parse_target(current)
            hop = _fetch_hop(target, policy, deadline)
        except BlockedURL as exc:
            if not redirects:
                raise
            raise BlockedURL(f"redirect to {current} refused: {exc.reason}") from exc
        location = hop.headers.get("location")
        if hop.status_code not in REDIRECT_STATUSES or not location:
            break
        if len(redirects) >= policy.max_redirects:
            raise TooManyRedirects(
                f"more than {policy.max_redirects} redirects; the next one was to {location}"
            )
        current = _join(target.url, location)
        redirects.append(current)
    content_type, charset = _parse_content_type(hop.headers.get("content-type"))
    return FetchResponse(
        status_code=hop.status_code,
        url=url,
        final_url=str(target.url),
        headers=hop.headers,
        content_type=content_type,
        charset=charset,
        body=hop.body,
        truncated=hop.truncated,
        redirects=redirects,
        elapsed=time.monotonic() - started,
    )


def retry_after_seconds(response: FetchResponse, *, now: datetime | None = None) -> float | None:
    """Seconds the server asked us to wait (``Retry-After`` as seconds or HTTP-date), if any."""
    value = response.headers.get("retry-after", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:  # "-0000" means UTC without saying so
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def blocked_reason(address: IPAddress, *, allow_loopback: bool = False) -> str | None:
    """Why connecting to ``address`` is refused, or None when it is a public address."""
    if allow_loopback and any(address in network for network in _LOOPBACK_NETWORKS):
        return None
    for network, label in _BLOCKED_NETWORKS:
        if address.version == network.version and address in network:
            embedded = _embedded_ipv4(address)
            return f"{address} is {label}" + (f" (embeds {embedded})" if embedded else "")
    if address.is_reserved:
        return f"{address} is a reserved address"
    if not address.is_global:  # a backstop for ranges the table above does not name
        return f"{address} is not a public address"
    return None


def _embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address hidden in a transition address, to make refusals easier to read."""
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if address.teredo:
        return address.teredo[1]
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address.ipv4_mapped or address.sixtofour


def _parse_target(url: str) -> _Target:
    """Refuse URLs that are unsafe whatever they resolve to, before touching the network."""
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise BlockedURL(f"{url!r} is not a valid URL: {exc}") from exc
    if parsed.scheme not in ALLOWED_SCHEMES:
        raise BlockedURL(f"scheme {parsed.scheme!r} is not allowed; only http and https")
    if parsed.userinfo:
        raise BlockedURL("URLs with credentials (user:password@host) are not allowed")
    host = parsed.raw_host.decode("ascii")
    if not host:
        raise BlockedURL(f"{url!r} has no host")
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    return _Target(url=parsed, host=host, port=port, netloc=parsed.netloc.decode("ascii"))


def _join(base: httpx.URL, location: str) -> str:
    try:
        return str(base.join(location))
    except httpx.InvalidURL as exc:
        raise BlockedURL(f"redirect location {location!r} is not a valid URL") from exc


def _checked_addresses(target: _Target, *, allow_loopback: bool) -> list[IPAddress]:
    """Resolve once and return the addresses, all of them public, that we may connect to.

    Literal IPs in any notation (``2130706433``, ``0x7f.1``, ``[::1]``) come back from
    ``getaddrinfo`` in canonical form, so they get the same check as names.
    """
    try:
        infos = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise DNSFailure(
            f"{target.host} does not resolve: {exc.strerror}",
            transient=exc.errno == socket.EAI_AGAIN,
        ) from exc
    except UnicodeError as exc:  # an empty or over-long label: no resolver could answer it
        raise DNSFailure(f"{target.host} is not a valid host name") from exc
    addresses = list(dict.fromkeys(ipaddress.ip_address(info[4][0]) for info in infos))
    for address in addresses:
        reason = blocked_reason(address, allow_loopback=allow_loopback)
        if reason and target.host != str(address):
            reason = f"{target.host} resolves to a blocked address: {reason}"
        if reason:
            raise BlockedURL(reason)
    return addresses


def _tls_context() -> ssl.SSLContext:
    """The verifying TLS context every client shares.

    Building one reads the whole CA bundle: ~20 ms of CPU, more than the rest of a fetch,
    and a worker's threads would each build one in the first burst without the lock.
    """
    global _shared_tls_context
    with _tls_context_lock:
        if _shared_tls_context is None:
            _shared_tls_context = httpx.create_ssl_context()
        return _shared_tls_context


@contextmanager
def _host_slot(host: str, policy: FetchPolicy, deadline: float) -> Iterator[None]:
    """Hold one of the site's slots so a burst of checks cannot hammer a single site.

    ``host`` is the origin's host and port: two servers on one machine are two sites.
    """
    with _host_slots_lock:
        slot = _host_slots.get(host)
        if slot is None:
            slot = _host_slots[host] = threading.BoundedSemaphore(policy.max_per_host)
    wait = max(0.0, min(policy.connect_timeout, deadline - time.monotonic()))
    if not slot.acquire(timeout=wait):
        raise HostBusy(f"{host} already has {policy.max_per_host} requests in flight")
    try:
        yield
    finally:
        slot.release()


def _fetch_hop(target: _Target, policy: FetchPolicy, deadline: float) -> _Hop:
    """One request, tried against each checked address in turn until one accepts."""
    addresses = _checked_addresses(target, allow_loopback=policy.allow_loopback)
    with _host_slot(f"{target.host}:{target.port}", policy, deadline):
        last_error: httpx.ConnectError | None = None
        try:
            for address in addresses:
                try:
                    return _request(target, address, policy, deadline)
                except httpx.ConnectError as exc:
                    last_error = exc
        except httpx.TimeoutException as exc:
            raise FetchTimeout(f"{target.url} timed out ({type(exc).__name__})") from exc
        except httpx.HTTPError as exc:
            raise ConnectionFailed(
                f"{target.url} failed: {str(exc) or type(exc).__name__}"
            ) from exc
        raise ConnectionFailed(f"could not connect to {target.host}: {last_error}") from last_error


def _request(target: _Target, address: IPAddress, policy: FetchPolicy, deadline: float) -> _Hop:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise FetchTimeout(f"gave up on {target.url} after {policy.total_timeout}s in total")
    connect = min(policy.connect_timeout, remaining)
    read = min(policy.read_timeout, remaining)
    timeout = httpx.Timeout(connect=connect, read=read, write=read, pool=connect)
    headers = {
        "Host": target.netloc,
        "User-Agent": policy.user_agent,
        "Accept": ACCEPT,
        # A compressed body could expand far beyond max_bytes inside a single chunk.
        "Accept-Encoding": "identity",
    }
    # TLS must verify the certificate against the name, not the address we dial.
    extensions = {"sni_hostname": target.host} if target.url.scheme == "https" else {}
    # A fresh client per hop: no cookies, and no pooled connection whose certificate was
    # checked for a different name. The TLS context holds no per-site state, so it is shared.
    with (
        httpx.Client(
            follow_redirects=False, trust_env=False, timeout=timeout, verify=_tls_context()
        ) as client,
        client.stream(
            "GET",
            target.url.copy_with(host=str(address)),
            headers=headers,
            extensions=extensions,
        ) as response,
    ):
        response_headers = dict(response.headers.items())
        if response.status_code in REDIRECT_STATUSES and "location" in response_headers:
            return _Hop(response.status_code, response_headers, b"", truncated=False)
        body = bytearray()
        truncated = False
        for chunk in response.iter_bytes():
            if time.monotonic() > deadline:
                raise FetchTimeout(f"{target.url} took longer than {policy.total_timeout}s")
            room = policy.max_bytes - len(body)
            if len(chunk) > room:
                body += chunk[:room]
                truncated = True
                break
            body += chunk
        return _Hop(response.status_code, response_headers, bytes(body), truncated)


def _parse_content_type(value: str | None) -> tuple[str | None, str | None]:
    """Split ``text/html; charset=UTF-8`` into ``("text/html", "utf-8")``."""
    if not value:
        return None, None
    media_type = value.split(";", 1)[0].strip().lower() or None
    message = email.message.Message()
    message["content-type"] = value
    return media_type, message.get_content_charset()
