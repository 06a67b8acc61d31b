"""Standard Webhooks signatures (www.standardwebhooks.com): secrets and the v1 scheme.

A secret is ``whsec_`` and the key in base64. Each attempt is signed with the time it is
sent: ``webhook-signature`` is ``v1,`` and the base64 HMAC-SHA256, under the key, of
``{webhook-id}.{webhook-timestamp}.{body}``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets

PREFIX = "whsec_"
KEY_BYTES = 32
MIN_KEY_BYTES, MAX_KEY_BYTES = 24, 64


def new_secret() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode("ascii")


def secret_key(secret: str) -> bytes:
    """The key of a ``whsec_`` secret; ValueError, with a sentence, if it is not one."""
    if not secret.startswith(PREFIX):
        raise ValueError(f"A secret starts with {PREFIX} followed by the key in base64.")
    try:
        key = base64.b64decode(secret.removeprefix(PREFIX), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(f"The part after {PREFIX} is not valid base64.") from None
    if not MIN_KEY_BYTES <= len(key) <= MAX_KEY_BYTES:
        raise ValueError(
            f"The key is {len(key)} bytes; use {MIN_KEY_BYTES} to {MAX_KEY_BYTES} random bytes."
        )
    return key


def signature(secret: str, *, message_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def headers(secret: str, *, message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(
            secret, message_id=message_id, timestamp=timestamp, body=body
        ),
    }
