"""The raw bodies that fetches returned (HTML, PDF, text), kept as they came.

A body is stored once per content: its name is its sha256 (``SourceSnapshot.sha256``),
so two sources citing the same bytes, or a page fetched again unchanged, share one
file. They live in the ``snapshots`` storage (``STORAGES`` in settings): a folder under
``DATA_DIR`` by default, an S3-compatible object store in production.
"""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages


def body_storage() -> Storage:
    return storages["snapshots"]


def body_name(sha256: str) -> str:
    """Where the body with this digest is kept: fanned out so no folder grows huge."""
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError(f"Not a sha256 digest: {sha256!r}")
    return f"bodies/{sha256[:2]}/{sha256[2:4]}/{sha256}"


def store_body(data: bytes) -> str:
    """Keep ``data`` (once) and return its sha256."""
    digest = hashlib.sha256(data).hexdigest()
    storage, name = body_storage(), body_name(digest)
    if not storage.exists(name):
        # Two workers storing the same bytes at once write the same content: the
        # storage overwrites (allow_overwrite) instead of inventing a second name.
        stored = storage.save(name, ContentFile(data))
        if stored != name:  # a storage that renames rather than overwrite
            storage.delete(stored)
    return digest


def has_body(sha256: str) -> bool:
    return body_storage().exists(body_name(sha256))


def read_body(sha256: str) -> bytes | None:
    """The body with this digest, or None when it is not kept (never stored, or pruned)."""
    storage, name = body_storage(), body_name(sha256)
    try:
        with storage.open(name, "rb") as stored:
            data: bytes = stored.read()
    except FileNotFoundError:
        return None
    return data


def delete_body(sha256: str) -> None:
    body_storage().delete(body_name(sha256))
