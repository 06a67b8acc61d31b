"""Undo a response's ``Content-Encoding`` without ever holding more than a capped body.

A hostile server can send a few kilobytes that expand to gigabytes (``gzip, gzip`` of zeros
expands a millionfold). Decoders that call zlib without ``max_length`` produce all of it in
one call, before any size check can run. Here every stage hands on at most ``CHUNK`` bytes
at a time and keeps the rest of its input for later, so memory stays at the capped body
plus a few small buffers however the encodings are stacked, and decoding stops the moment
the body reaches the cap.

It does not import Django or httpx: it takes raw bytes and gives decoded bytes.
"""

from __future__ import annotations

import zlib
from typing import Any, Protocol

try:  # optional: ``br`` is decoded only with a brotli that can bound its output
    import brotli as _brotli
except ImportError:  # pragma: no cover - depends on what is installed
    _brotli = None

# Per call, per stage: small enough that a stack of stages costs little memory, large
# enough that the per-call overhead does not show next to the decoding itself.
CHUNK = 64 * 1024
# Real servers send one encoding; a long stack only serves to multiply the work.
MAX_ENCODINGS = 4
GZIP_MAGIC = b"\x1f\x8b"

BROTLI_SUPPORTED = _brotli is not None and hasattr(_brotli.Decompressor, "can_accept_more_data")


class BadEncoding(Exception):
    """The body cannot be decoded: an unknown encoding, too many of them, or corrupt data."""


class _Stage(Protocol):
    def decompress(self, data: bytes, limit: int) -> bytes:
        """Up to about ``limit`` bytes of output; input not used yet is kept for later.

        Called with ``b""`` it goes on with the input it kept, and returns ``b""`` once it
        has nothing more to give until it gets more input.
        """


class _Zlib:
    """gzip (``wbits=31``, concatenated members too), zlib (15) or raw deflate (-15)."""

    def __init__(self, wbits: int) -> None:
        self._wbits = wbits
        self._obj = zlib.decompressobj(wbits)
        self._pending = b""
        self._done = False

    def decompress(self, data: bytes, limit: int) -> bytes:
        if self._pending:
            data, self._pending = self._pending + data, b""
        while not self._done:
            out = self._obj.decompress(data, limit)
            if not self._obj.eof:
                self._pending = self._obj.unconsumed_tail
                return out
            data = self._obj.unused_data
            if self._wbits != 31 or not data.startswith(GZIP_MAGIC):
                self._done = True  # bytes after the end of the stream are ignored, as browsers do
                return out
            self._obj = zlib.decompressobj(self._wbits)  # the next gzip member
            if out:
                self._pending = data
                return out
        return b""


class _Deflate:
    """``deflate`` is meant to be zlib-wrapped, but some servers send raw deflate.

    The two are told apart by the zlib header in the first two bytes, as httpx and
    browsers do.
    """

    def __init__(self) -> None:
        self._inner: _Zlib | None = None
        self._head = b""

    def decompress(self, data: bytes, limit: int) -> bytes:
        if self._inner is None:
            self._head += data
            if len(self._head) < 2:
                return b""
            cmf, flg = self._head[0], self._head[1]
            wrapped = cmf & 0x0F == 8 and cmf >> 4 <= 7 and (cmf << 8 | flg) % 31 == 0
            self._inner = _Zlib(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
            data, self._head = self._head, b""
        return self._inner.decompress(data, limit)


class _Brotli:
    def __init__(self) -> None:
        assert _brotli is not None
        self._obj: Any = _brotli.Decompressor()
        self._queued = b""

    def decompress(self, data: bytes, limit: int) -> bytes:
        if self._obj.is_finished():
            return b""  # bytes after the end of the stream are ignored
        self._queued += data
        # Once the output limit is hit, brotli takes no new input until its buffers drain.
        if self._queued and self._obj.can_accept_more_data():
            data, self._queued = self._queued, b""
            return bytes(self._obj.process(data, output_buffer_limit=limit))
        return bytes(self._obj.process(b"", output_buffer_limit=limit))


def _stage(encoding: str) -> _Stage:
    if encoding in ("gzip", "x-gzip"):
        return _Zlib(31)
    if encoding == "deflate":
        return _Deflate()
    if encoding == "br" and BROTLI_SUPPORTED:
        return _Brotli()
    raise BadEncoding(f"the body uses an unsupported content encoding ({encoding!r})")


class BoundedBody:
    """Collects a body as it arrives, decoded, and stops at ``max_bytes``.

    ``content_encoding`` is the header as sent: encodings in the order they were applied.
    The raw bytes are capped at about ``max_bytes`` too. Raises ``BadEncoding``.
    """

    def __init__(self, content_encoding: str | None, *, max_bytes: int) -> None:
        encodings = [
            token
            for token in (part.strip().lower() for part in (content_encoding or "").split(","))
            if token and token != "identity"
        ]
        if len(encodings) > MAX_ENCODINGS:
            raise BadEncoding(
                f"the body is encoded {len(encodings)} times over; at most {MAX_ENCODINGS} "
                "stacked content encodings are accepted"
            )
        self._encodings = encodings
        self._stages = [_stage(encoding) for encoding in reversed(encodings)]  # last applied first
        self.max_bytes = max_bytes
        # Incompressible data grows a little when compressed (a deflate stored block costs 5
        # bytes per 64 KB, plus headers), so an encoded body of up to max_bytes gets slack.
        self.max_raw_bytes = max_bytes + (max_bytes // 100 + 4096 if encodings else 0)
        self.raw_bytes = 0
        self.body = bytearray()
        self.truncated = False

    def feed(self, raw: bytes) -> bool:
        """Take the next raw bytes; False once the body is full and reading should stop."""
        if self.truncated:
            return False
        room = self.max_raw_bytes - self.raw_bytes
        self.raw_bytes += len(raw)
        if len(raw) > room:
            raw = raw[:room]
            self.truncated = True
        try:
            more = self._push(0, raw)
        except zlib.error as exc:
            raise BadEncoding(f"the {', '.join(self._encodings)} body is corrupt: {exc}") from exc
        except Exception as exc:
            if _brotli is not None and isinstance(exc, _brotli.error):
                raise BadEncoding(f"the {', '.join(self._encodings)} body is corrupt") from exc
            raise
        return more and not self.truncated

    def _push(self, level: int, data: bytes) -> bool:
        """Run ``data`` through the stages from ``level`` on; False once the body is full."""
        if level == len(self._stages):
            return self._keep(data)
        stage = self._stages[level]
        out = stage.decompress(data, CHUNK)
        while out:
            if not self._push(level + 1, out):
                return False
            out = stage.decompress(b"", CHUNK)
        return True

    def _keep(self, data: bytes) -> bool:
        room = self.max_bytes - len(self.body)
        if len(data) > room:
            self.body += data[:room]
            self.truncated = True
            return False
        self.body += data
        return True
