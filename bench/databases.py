"""A database a benchmark may fill and throw away."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit


@contextmanager
def throwaway_database(
    workdir: Path | None,
    *,
    suffix: str,
    embedded: bool = False,
    keep: bool = False,
    reuse: bool = False,
) -> Iterator[str]:
    """A SQLite file in ``workdir`` (``embedded``, or without a PostgreSQL DATABASE_URL), or
    a fresh PostgreSQL database next to DATABASE_URL's, named after it with ``suffix`` and
    dropped at the end; yields its URL. ``reuse`` takes the one a run with ``keep`` left."""
    url = os.environ.get("DATABASE_URL", "")
    if embedded or not url.startswith(("postgres://", "postgresql://")):
        if workdir is None:
            raise SystemExit("Set DATABASE_URL to a PostgreSQL database: the bench measures it.")
        yield f"sqlite:///{workdir / 'bench.sqlite3'}"
        return
    import psycopg

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'postgres'}_{suffix}"
    # CREATE and DROP DATABASE from the maintenance database, which always exists.
    maintenance = parts._replace(path="/postgres").geturl()
    with psycopg.connect(maintenance, autocommit=True) as admin:
        if not reuse:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')
        elif not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            raise SystemExit(f"No database {name} to reuse: run once with --keep to make it.")
    try:
        yield parts._replace(path=f"/{name}").geturl()
    finally:
        if not keep:
            with psycopg.connect(maintenance, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
