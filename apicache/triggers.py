"""Keep ``DataVersion.token`` changing whenever data that cached API reads show changes.

Database triggers change the token, so no write path can forget it: services, the
admin, ``QuerySet.update()``, bulk writes, cascades and raw SQL all fire them. The token
changes in the writing transaction, so other connections see it change together with the
data it stands for: a reader that sees an old token can only have read data at least as
new as that token.

- PostgreSQL: deferred constraint triggers draw the new token from a sequence at commit,
  once per transaction. Taking the row's lock last means it never waits inside a
  transaction that still holds other locks, so it cannot deadlock, and tokens never
  repeat, not even after a rollback or a flush.
- SQLite: plain row triggers set a random 64-bit token (SQLite writes one transaction at
  a time, so there is nothing to wait for).

``install()`` runs after every ``migrate`` (and test-database flush): SQLite drops a
table's triggers when a migration rebuilds the table, and a new deployment's code may
render responses differently, so installing also draws a new token.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connections, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from apicache.models import DataVersion

SEQUENCE = "apicache_data_version_seq"
FUNCTION = "apicache_data_version_bump"
TRIGGER_PREFIX = "apicache_data_version"
SETTING = "apicache.data_version_bumped"


@dataclass(frozen=True)
class Watch:
    """Writes to ``model`` that change a cached read. Updates count only when one of
    ``columns`` changes (None: every update), or one not in ``ignore``."""

    model: str
    insert: bool = True
    columns: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()


WATCHED = (
    Watch("claims.Claim"),
    Watch("claims.Claim_sources"),
    Watch("claims.Rating"),
    Watch("claims.Evidence", columns=("claim",)),  # claims show evidence counts
    Watch("claims.Source", insert=False, columns=("position",)),  # orders a claim's sources
    Watch("claims.Article", insert=False, columns=("status",)),  # the public sees published
    Watch("editorial.ClaimConsensus"),
    Watch("editorial.Publication"),
    # Who a token belongs to, and what they may see and do.
    Watch("accounts.User", insert=False, ignore=("last_login",)),  # claims show author names
    Watch("accounts.User_groups"),
    Watch("auth.Group", insert=False, columns=("name",)),
    Watch("authtoken.Token"),
)


def _model(label: str) -> type[models.Model]:
    if label.startswith("accounts.User"):
        user = get_user_model()
        return user.groups.through if label.endswith("_groups") else user
    return apps.get_model(label)


def _table() -> str:
    return DataVersion._meta.db_table


def _triggers(watch: Watch) -> list[tuple[str, str, str, list[str]]]:
    """(name, table, event, changed columns) for each trigger of ``watch``."""
    model = _model(watch.model)
    table = model._meta.db_table
    events = ["insert", "update", "delete"] if watch.insert else ["update", "delete"]
    if watch.columns is not None:
        names: list[str] = list(watch.columns)
    elif watch.ignore:
        names = [f.name for f in model._meta.concrete_fields if f.name not in watch.ignore]
    else:
        names = []  # every update
    columns = [str(model._meta.get_field(name).column) for name in names]  # type: ignore[union-attr]
    return [(f"{TRIGGER_PREFIX}_{table}_{event}", table, event, columns) for event in events]


def _changed(columns: list[str], quote: Any) -> str:
    return " OR ".join(f"OLD.{quote(c)} IS DISTINCT FROM NEW.{quote(c)}" for c in columns)


def _watched_triggers(tables: set[str], quote: Any) -> Iterator[tuple[str, str, str, str]]:
    """(name, table, event, condition or "") for each trigger on a table in ``tables``."""
    for watch in WATCHED:
        for name, table, event, columns in _triggers(watch):
            if table not in tables:  # not migrated yet (``migrate <app>``): next time
                continue
            condition = _changed(columns, quote) if event == "update" and columns else ""
            yield quote(name), quote(table), event.upper(), condition


def _postgresql_statements(connection: BaseDatabaseWrapper, tables: set[str]) -> list[str]:
    quote = connection.ops.quote_name
    statements = [
        f"CREATE SEQUENCE IF NOT EXISTS {SEQUENCE}",
        f"""
        CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            -- Once per transaction: the setting is local to it.
            IF current_setting('{SETTING}', true) IS DISTINCT FROM 'on' THEN
                PERFORM set_config('{SETTING}', 'on', true);
                UPDATE {quote(_table())} SET token = nextval('{SEQUENCE}') WHERE id = 1;
            END IF;
            RETURN NULL;
        END
        $$
        """,
    ]
    for name, table, event, condition in _watched_triggers(tables, quote):
        when = f"WHEN ({condition})" if condition else ""
        statements += [
            f"DROP TRIGGER IF EXISTS {name} ON {table}",
            f"""
            CREATE CONSTRAINT TRIGGER {name} AFTER {event} ON {table}
            DEFERRABLE INITIALLY DEFERRED FOR EACH ROW {when}
            EXECUTE FUNCTION {FUNCTION}()
            """,
        ]
    return statements


def _sqlite_statements(connection: BaseDatabaseWrapper, tables: set[str]) -> list[str]:
    quote = connection.ops.quote_name
    statements = []
    for name, table, event, condition in _watched_triggers(tables, quote):
        when = f"WHEN {condition}" if condition else ""
        statements += [
            f"DROP TRIGGER IF EXISTS {name}",
            f"""
            CREATE TRIGGER {name} AFTER {event} ON {table}
            FOR EACH ROW {when}
            BEGIN UPDATE {quote(_table())} SET token = random() WHERE id = 1; END
            """,
        ]
    return statements


def _new_token_sql(vendor: str) -> str:
    return f"nextval('{SEQUENCE}')" if vendor == "postgresql" else "random()"


def install(*, using: str = "default") -> None:
    """Create or replace the triggers and draw a new token."""
    connection = connections[using]
    tables = set(connection.introspection.table_names())
    if _table() not in tables:
        return
    if connection.vendor == "postgresql":
        statements = _postgresql_statements(connection, tables)
    elif connection.vendor == "sqlite":
        statements = _sqlite_statements(connection, tables)
    else:  # no triggers: current_token() is None and nothing is cached
        return
    table = connection.ops.quote_name(_table())
    new_token = _new_token_sql(connection.vendor)
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if not _installed(cursor, connection.vendor, statements):
            for statement in statements:
                cursor.execute(statement)
            _mark_installed(cursor, connection.vendor, statements)
        cursor.execute(f"UPDATE {table} SET token = {new_token} WHERE id = 1")
        if cursor.rowcount == 0:
            cursor.execute(f"INSERT INTO {table} (id, token) VALUES (1, {new_token})")


def _fingerprint(statements: list[str]) -> str:
    return hashlib.sha256("\n".join(statements).encode()).hexdigest()


def _installed(cursor: Any, vendor: str, statements: list[str]) -> bool:
    """PostgreSQL: whether these very triggers exist already. Replacing them locks every
    watched table, which a deployment's ``migrate`` should not do for nothing. (SQLite
    replaces them every time: a table rebuild drops them, and nothing waits on a lock.)"""
    if vendor != "postgresql":
        return False
    cursor.execute("SELECT obj_description(to_regprocedure(%s), 'pg_proc')", [f"{FUNCTION}()"])
    if cursor.fetchone()[0] != _fingerprint(statements):
        return False
    cursor.execute(
        "SELECT count(*) FROM pg_trigger WHERE tgname LIKE %s AND NOT tgisinternal",
        [f"{TRIGGER_PREFIX}_%"],
    )
    expected = sum(statement.lstrip().startswith("CREATE CONSTRAINT") for statement in statements)
    return bool(cursor.fetchone()[0] == expected)


def _mark_installed(cursor: Any, vendor: str, statements: list[str]) -> None:
    if vendor == "postgresql":
        cursor.execute(f"COMMENT ON FUNCTION {FUNCTION}() IS '{_fingerprint(statements)}'")


def install_after_migrate(using: str = "default", **kwargs: Any) -> None:
    """``post_migrate`` receiver."""
    install(using=using)
