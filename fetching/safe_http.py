"""Fetch user-supplied URLs without letting them reach our own network (SSRF).

Sources are pasted by reviewers, so every URL is hostile until checked: it may point at
the cloud metadata service, a database on the private network, or a name that resolves to a
public address now and to 127.0.0.1 a second later (DNS rebinding). This module therefore

* accepts only http(s) URLs with a host and without credentials,
* resolves the host once per hop and refuses it if *any* address is not public,
* connects to exactly the address it checked (Host header and TLS SNI keep the name),
* follows redirects itself, repeating every check on every hop, and refuses a Location
  that is not an http(s) URL,
* caps the body (after undoing any Content-Encoding, while it streams), the total time
  of the whole exchange (DNS, connect, TLS, headers, body, every hop) and the number of
  concurrent requests per host,
* raises only ``FetchError`` subclasses, whatever the server sends.

It does not import Django so it can be used and tested from anywhere.
"""

from __future__ import annotations

import email.message
import ipaddress
import logging
import queue
import random
import re
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

import httpx

from fetching.content_decoding import BadEncoding, BoundedBody

if TYPE_CHECKING:
    from fetching.host_slots import SharedSlots
from fetching.deadline_transport import DeadlineTransport

logger = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

DEFAULT_USER_AGENT = "factcheck/0.1 (+https://github.com/factcheck; source checker)"
ACCEPT = "text/html,application/xhtml+xml,application/pdf,text/plain;q=0.9,*/*;q=0.5"
ALLOWED_SCHEMES = frozenset({"http", "https"})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# RFC 3986 scheme, to refuse "mailto:x" as such rather than as a relative path.
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")

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
    # Slots shared with other processes (fetching.host_slots): max_per_host then holds
    # across all of them, not only within this one.
    shared_slots: SharedSlots | None = None


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
    # The last request's and response's headers as sent and received: names as written,
    # in order, repeated headers apart (for an archive of the exchange, a WARC record).
    request_headers: list[tuple[str, str]] = field(default_factory=list)
    response_headers: list[tuple[str, str]] = field(default_factory=list)


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


class RedirectRefused(BlockedURL):
    """A redirect whose Location is not an http(s) URL we may follow."""


class BadResponse(FetchError):
    """The server's answer is not HTTP we can read: garbage, or a body we cannot decode."""


class HostBusy(FetchError):
    """All this process's slots for the site are taken: nothing was sent, not even a DNS query.

    Not a failure of the URL. Put the job back and try again in about ``retry_after`` seconds,
    without counting an attempt.
    """

    transient = True

    def __init__(self, reason: str, *, retry_after: float) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


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
    request_headers: list[tuple[str, str]] = field(default_factory=list)
    response_headers: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class _Site:
    """One site's request slots, and about how long a request to it holds one."""

    slots: threading.BoundedSemaphore
    typical_seconds: float = 1.0


_host_slots: dict[str, _Site] = {}
_host_slots_lock = threading.Lock()
_TYPICAL_WEIGHT = 0.2  # how far the latest request moves a site's typical_seconds
_shared_tls_context: ssl.SSLContext | None = None
_tls_context_lock = threading.Lock()
# httpcore and h11 report a connection closed before the response was complete as a
# protocol error. That is the network's doing (a restart, a dropped link), not garbage.
_HUNG_UP = re.compile(r"disconnected|closed connection")


@dataclass(frozen=True)
class _Outgoing:
    """What a request sends besides the URL: a GET by default."""

    method: str = "GET"
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()


def fetch(url: str, *, policy: FetchPolicy | None = None) -> FetchResponse:
    """GET ``url``, following redirects, refusing anything that could reach a private network.

    Raises a ``FetchError`` subclass, and nothing else, when there is no response to return.
    """
    return _guarded(url, policy or FetchPolicy(), _Outgoing())


def post(
    url: str,
    *,
    body: bytes,
    headers: dict[str, str],
    policy: FetchPolicy | None = None,
) -> FetchResponse:
    """POST ``body`` with ``headers`` to ``url``, under every check ``fetch`` makes.

    A redirect is not followed (a body is not sent on to another address): its response
    is returned as it is, for the caller to judge.
    """
    return _guarded(url, policy or FetchPolicy(), _Outgoing("POST", body, tuple(headers.items())))


def check_destination(url: str, *, policy: FetchPolicy | None = None) -> None:
    """Raise ``BlockedURL`` (or ``DNSFailure``) if ``url`` could not be fetched now, without
    sending anything: for checking a URL that is stored to be called later."""
    policy = policy or FetchPolicy()
    target = _parse_target(url)
    _checked_addresses(target, policy, time.monotonic() + policy.total_timeout)


def _guarded(url: str, policy: FetchPolicy, outgoing: _Outgoing) -> FetchResponse:
    try:
        return _fetch(url, policy, outgoing)
    except FetchError:
        raise
    except Exception as exc:
        # Every failure we know of is mapped where it happens. This backstop keeps a
        # surprise from a hostile server from crashing the caller; it is logged so that
        # it gets mapped properly.
        logger.exception("Unexpected error while fetching %s", url)
        raise FetchError(f"{url} failed unexpectedly ({type(exc).__name__}: {exc})") from exc


def _fetch(url: str, policy: FetchPolicy, outgoing: _Outgoing) -> FetchResponse:
    started = time.monotonic()
    deadline = started + policy.total_timeout
    redirects: list[str] = []
    current = url
    target = _parse_target(url)
    while True:
        try:
            hop = _fetch_hop(target, policy, deadline, outgoing, first=not redirects)
        except RedirectRefused:
            raise
        except BlockedURL as exc:
            if not redirects:
                raise
            raise BlockedURL(f"redirect to {current} refused: {exc.reason}") from exc
        location = hop.headers.get("location")
        if hop.status_code not in REDIRECT_STATUSES or location is None:
            break
        if outgoing.method != "GET":
            break
        if len(redirects) >= policy.max_redirects:
            raise TooManyRedirects(
                f"more than {policy.max_redirects} redirects; "
                f"the next one was to {_shown(location)}"
            )
        current = _redirect_url(target.url, location)
        redirects.append(current)
        try:
            target = _parse_target(current)
        except BlockedURL as exc:
            raise RedirectRefused(f"redirect to {current} refused: {exc.reason}") from exc
    content_type, charset = parse_content_type(hop.headers.get("content-type"))
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
        request_headers=hop.request_headers,
        response_headers=hop.response_headers,
    )


def retry_after_seconds(response: FetchResponse, *, now: datetime | None = None) -> float | None:
    """Seconds the server asked us to wait (``Retry-After`` as seconds or HTTP-date), if any."""
    value = response.headers.get("retry-after", "").strip()
    if not value:
        return None
    if value.isascii() and value.isdigit():  # "²".isdigit() is true too
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
        host = parsed.raw_host.decode("ascii")
        netloc = parsed.netloc.decode("ascii")
    except (httpx.InvalidURL, ValueError) as exc:  # UnicodeError is a ValueError
        raise BlockedURL(f"{url!r} is not a valid URL: {exc}") from exc
    if parsed.scheme not in ALLOWED_SCHEMES:
        raise BlockedURL(f"scheme {parsed.scheme!r} is not allowed; only http and https")
    if parsed.userinfo:
        raise BlockedURL("URLs with credentials (user:password@host) are not allowed")
    if not host:
        raise BlockedURL(f"{url!r} has no host")
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    if not 0 < port < 65536:
        raise BlockedURL(f"{url!r} has an impossible port ({port})")
    return _Target(url=parsed, host=host, port=port, netloc=netloc)


def _shown(text: str, limit: int = 100) -> str:
    """``text`` as a reason may quote it: a Location can be a 100 KB ``data:`` URL."""
    return text if len(text) <= limit else text[:limit] + "…"


def _redirect_url(base: httpx.URL, location: str) -> str:
    """Where a redirect from ``base`` leads; RedirectRefused unless it is an http(s) URL."""
    if _CONTROL_CHARACTERS.search(location):
        raise RedirectRefused(
            f"redirect to {_shown(location)!r} refused: the Location contains control characters"
        )
    location = location.strip()
    if not location:
        raise RedirectRefused("redirect refused: the Location header is empty")
    shown = _shown(location)
    scheme = _SCHEME.match(location)
    if scheme and scheme.group()[:-1].lower() not in ALLOWED_SCHEMES:
        raise RedirectRefused(
            f"redirect to {shown} refused: scheme {scheme.group()[:-1].lower()!r} is not "
            "allowed; only http and https"
        )
    try:
        parsed = httpx.URL(location)
        parsed.host  # noqa: B018 - decodes the IDNA name, and fails on a malformed one
        joined = base.join(parsed)
    except (httpx.InvalidURL, ValueError) as exc:  # UnicodeError (IDNA) is a ValueError
        raise RedirectRefused(f"redirect to {shown} refused: not a valid URL ({exc})") from exc
    # "http:path" and "//" would otherwise be joined into a URL on the current host.
    if (scheme or location.startswith("//")) and not parsed.raw_host:
        raise RedirectRefused(f"redirect to {shown} refused: the URL has no host")
    return str(joined)


def _checked_addresses(target: _Target, policy: FetchPolicy, deadline: float) -> list[IPAddress]:
    """Resolve once and return the addresses, all of them public, that we may connect to.

    Literal IPs in any notation (``2130706433``, ``0x7f.1``, ``[::1]``) come back from
    ``getaddrinfo`` in canonical form, so they get the same check as names.
    """
    try:
        infos = _getaddrinfo(target, policy, deadline)
    except socket.gaierror as exc:
        raise DNSFailure(
            f"{target.host} does not resolve: {exc.strerror}",
            transient=exc.errno == socket.EAI_AGAIN,
        ) from exc
    except ValueError as exc:  # an empty or over-long label: no resolver could answer it
        raise DNSFailure(f"{target.host} is not a valid host name") from exc
    except OSError as exc:
        raise DNSFailure(f"{target.host} could not be resolved: {exc}", transient=True) from exc
    addresses = list(dict.fromkeys(ipaddress.ip_address(info[4][0]) for info in infos))
    if not addresses:
        raise DNSFailure(f"{target.host} resolves to no address")
    for address in addresses:
        reason = blocked_reason(address, allow_loopback=policy.allow_loopback)
        if reason and target.host != str(address):
            reason = f"{target.host} resolves to a blocked address: {reason}"
        if reason:
            raise BlockedURL(reason)
    return addresses


def _getaddrinfo(target: _Target, policy: FetchPolicy, deadline: float) -> list[Any]:
    """``socket.getaddrinfo``, given up at the deadline.

    The resolver's own timeouts run to several seconds per try and cannot be shortened
    from here, so it runs in a thread of its own that is left to finish in the background.
    """
    answers: queue.SimpleQueue[list[Any] | Exception] = queue.SimpleQueue()

    def resolve() -> None:
        try:
            answers.put(socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM))
        except Exception as exc:
            answers.put(exc)

    threading.Thread(target=resolve, name=f"resolve {target.host}", daemon=True).start()
    try:
        answer = answers.get(timeout=max(0.0, deadline - time.monotonic()))
    except queue.Empty:
        raise FetchTimeout(
            f"{target.host} did not resolve within the {policy.total_timeout}s limit"
        ) from None
    if isinstance(answer, Exception):
        raise answer
    return answer


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
def _host_slot(host: str, policy: FetchPolicy, deadline: float, *, first: bool) -> Iterator[None]:
    """Hold one of the site's slots so a burst of checks cannot hammer a single site.

    ``host`` is the origin's host and port: two servers on one machine are two sites. The
    first hop waits briefly for a slot, then raises HostBusy before any traffic. A redirect
    hop has already talked to a server, so it waits as long as the deadline allows instead.
    """
    with _host_slots_lock:
        site = _host_slots.get(host)
        if site is None:
            site = _host_slots[host] = _Site(threading.BoundedSemaphore(policy.max_per_host))
    remaining = max(0.0, deadline - time.monotonic())
    if not site.slots.acquire(
        timeout=min(policy.connect_timeout, remaining) if first else remaining
    ):
        if not first:
            raise FetchTimeout(f"no free slot for {host} within the {policy.total_timeout}s limit")
        retry_after = round(min(max(site.typical_seconds, 1.0), policy.total_timeout), 1)
        raise HostBusy(
            f"{host} already has {policy.max_per_host} requests in flight from this process; "
            f"try again in about {retry_after:g}s",
            retry_after=retry_after,
        )
    try:
        token = _shared_slot(host, site, policy, deadline, first=first)
    except BaseException:
        site.slots.release()
        raise
    started = time.monotonic()
    try:
        yield
    finally:
        held = time.monotonic() - started
        with _host_slots_lock:
            site.typical_seconds += (held - site.typical_seconds) * _TYPICAL_WEIGHT
        if token is not None and policy.shared_slots is not None:
            policy.shared_slots.give_back(host, token)
        site.slots.release()


def _shared_slot(
    host: str, site: _Site, policy: FetchPolicy, deadline: float, *, first: bool
) -> str | None:
    """One of the site's slots shared with other processes, waiting as ``_host_slot`` does."""
    shared = policy.shared_slots
    if shared is None:
        return None
    # A slot expires after the longest a request may hold it, plus a margin.
    hold_for = policy.total_timeout + 5
    remaining = max(0.0, deadline - time.monotonic())
    give_up = time.monotonic() + (min(policy.connect_timeout, remaining) if first else remaining)
    pause = 0.02
    while True:
        token = shared.take(host, limit=policy.max_per_host, hold_for=hold_for)
        if token is not None:
            return token
        if time.monotonic() + pause > give_up:
            break
        time.sleep(pause * random.uniform(0.5, 1.5))
        pause = min(pause * 2, 0.25)
    if not first:
        raise FetchTimeout(f"no free slot for {host} within the {policy.total_timeout}s limit")
    retry_after = round(min(max(site.typical_seconds, 1.0), policy.total_timeout), 1)
    raise HostBusy(
        f"{host} already has {policy.max_per_host} requests in flight from all workers; "
        f"try again in about {retry_after:g}s",
        retry_after=retry_after,
    )


def _fetch_hop(
    target: _Target, policy: FetchPolicy, deadline: float, outgoing: _Outgoing, *, first: bool
) -> _Hop:
    """One request, tried against each checked address in turn until one accepts."""
    with _host_slot(f"{target.host}:{target.port}", policy, deadline, first=first):
        addresses = _checked_addresses(target, policy, deadline)
        last_error: httpx.ConnectError | None = None
        try:
            for address in addresses:
                try:
                    return _request(target, address, policy, deadline, outgoing)
                except httpx.ConnectError as exc:
                    last_error = exc
        except httpx.HTTPError as exc:
            raise _network_error(target, exc, policy, deadline) from exc
    raise ConnectionFailed(f"could not connect to {target.host}: {last_error}") from last_error


def _network_error(
    target: _Target, exc: httpx.HTTPError, policy: FetchPolicy, deadline: float
) -> FetchError:
    if isinstance(exc, httpx.TimeoutException):
        if time.monotonic() >= deadline:
            return FetchTimeout(f"{target.url} took longer than the {policy.total_timeout}s limit")
        return FetchTimeout(f"{target.url} timed out ({type(exc).__name__})")
    if isinstance(exc, httpx.RemoteProtocolError) and not _HUNG_UP.search(str(exc)):
        return BadResponse(f"{target.url} sent a malformed response: {exc}")
    if isinstance(exc, httpx.LocalProtocolError):
        return FetchError(f"could not send the request to {target.url}: {exc}")
    return ConnectionFailed(f"{target.url} failed: {str(exc) or type(exc).__name__}")


def _request(
    target: _Target, address: IPAddress, policy: FetchPolicy, deadline: float, outgoing: _Outgoing
) -> _Hop:
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
        # Servers may compress anyway; the body is then decoded here, within the cap.
        "Accept-Encoding": "identity",
        **dict(outgoing.headers),
    }
    # TLS must verify the certificate against the name, not the address we dial.
    extensions = {"sni_hostname": target.host} if target.url.scheme == "https" else {}
    # httpx's timeouts are per socket operation; this transport holds every wait of the
    # hop to the fetch's one deadline.
    transport = DeadlineTransport(deadline, ssl_context=_tls_context())
    # A fresh client per hop: no cookies, and no pooled connection whose certificate was
    # checked for a different name. The TLS context holds no per-site state, so it is shared.
    with ExitStack() as stack:
        client = stack.enter_context(
            httpx.Client(
                transport=transport, follow_redirects=False, trust_env=False, timeout=timeout
            )
        )
        try:
            response = stack.enter_context(
                client.stream(
                    outgoing.method,
                    target.url.copy_with(host=str(address)),
                    headers=headers,
                    content=outgoing.body if outgoing.method != "GET" else None,
                    extensions=extensions,
                )
            )
        except Exception as exc:
            if transport.last_response is None:
                raise  # nothing came back: a network error, for the caller to map
            # The client works on every redirect, even one it does not follow, and fails on
            # a Location it cannot parse.
            raise _unreadable(target, transport.last_response, exc) from exc
        return _read_hop(target, response, policy, deadline)


def _unreadable(target: _Target, response: httpx.Response, exc: Exception) -> FetchError:
    location = response.headers.get("location")
    if response.status_code in REDIRECT_STATUSES and location is not None:
        _redirect_url(target.url, location)  # raises with a precise reason where it can
        return RedirectRefused(f"redirect to {_shown(location)} refused: {exc}")
    return BadResponse(f"{target.url} sent a response that cannot be read: {exc}")


def _read_hop(
    target: _Target, response: httpx.Response, policy: FetchPolicy, deadline: float
) -> _Hop:
    response_headers = dict(response.headers.items())
    exchange = {
        "request_headers": _header_pairs(response.request.headers.raw),
        "response_headers": _header_pairs(response.headers.raw),
    }
    if response.status_code in REDIRECT_STATUSES and "location" in response_headers:
        return _Hop(response.status_code, response_headers, b"", truncated=False, **exchange)
    try:
        # Raw bytes, decoded here: httpx's decoders expand a chunk without bounds.
        body = BoundedBody(response_headers.get("content-encoding"), max_bytes=policy.max_bytes)
        for chunk in response.iter_raw():
            if time.monotonic() > deadline:
                raise FetchTimeout(f"{target.url} took longer than {policy.total_timeout}s")
            if not body.feed(chunk):
                break
    except BadEncoding as exc:
        raise BadResponse(f"{target.url}: {exc}") from exc
    return _Hop(
        response.status_code, response_headers, bytes(body.body), body.truncated, **exchange
    )


def _header_pairs(raw: list[tuple[bytes, bytes]]) -> list[tuple[str, str]]:
    # Header bytes are Latin-1 on the wire (RFC 9110): every byte maps to one character.
    return [(name.decode("latin-1"), value.decode("latin-1")) for name, value in raw]


def parse_content_type(value: str | None) -> tuple[str | None, str | None]:
    """Split ``text/html; charset=UTF-8`` into ``("text/html", "utf-8")``."""
    if not value:
        return None, None
    media_type = value.split(";", 1)[0].strip().lower() or None
    message = email.message.Message()
    message["content-type"] = value
    return media_type, message.get_content_charset()
