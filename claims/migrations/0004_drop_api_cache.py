"""Remove what the retired API response cache left in existing databases.

It kept one "data version" row (table ``apicache_dataversion``) and changed it from
database triggers on the claims, editorial, account and token tables: on PostgreSQL
deferred constraint triggers calling ``apicache_data_version_bump()`` and drawing from the
sequence ``apicache_data_version_seq``; on SQLite plain row triggers. Every trigger's name
starts with ``apicache_data_version_``. Each statement here is "if exists", so a database
that never had them (a new one) goes through unchanged.
"""

from django.db import migrations
from django.db.migrations.recorder import MigrationRecorder

TRIGGER_PREFIX = "apicache_data_version_"
FUNCTION = "apicache_data_version_bump"
SEQUENCE = "apicache_data_version_seq"
TABLE = "apicache_dataversion"
# LIKE's "_" matches any character: escape it so only the prefix itself matches.
TRIGGER_PATTERN = TRIGGER_PREFIX.replace("_", "\\_") + "%"


def _postgresql(cursor, quote):
    cursor.execute(
        "SELECT tgname, tgrelid::regclass::text FROM pg_trigger "
        "WHERE tgname LIKE %s AND NOT tgisinternal",
        [TRIGGER_PATTERN],
    )
    for name, table in cursor.fetchall():
        cursor.execute(f"DROP TRIGGER IF EXISTS {quote(name)} ON {table}")
    cursor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")
    cursor.execute(f"DROP SEQUENCE IF EXISTS {SEQUENCE}")
    cursor.execute(f"DROP TABLE IF EXISTS {quote(TABLE)}")


def _sqlite(cursor, quote):
    cursor.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s ESCAPE '\\'",
        [TRIGGER_PATTERN],
    )
    for (name,) in cursor.fetchall():
        cursor.execute(f"DROP TRIGGER IF EXISTS {quote(name)}")
    cursor.execute(f"DROP TABLE IF EXISTS {quote(TABLE)}")


def drop_api_cache(apps, schema_editor):
    connection = schema_editor.connection
    drop = {"postgresql": _postgresql, "sqlite": _sqlite}.get(connection.vendor)
    if drop is not None:  # the only databases the cache installed anything in
        with connection.cursor() as cursor:
            drop(cursor, connection.ops.quote_name)
    # Its permissions and migration records name an app that no longer exists.
    apps.get_model("contenttypes", "ContentType").objects.filter(app_label="apicache").delete()
    MigrationRecorder(connection).migration_qs.filter(app="apicache").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0003_quotecheck_from_verification"),
        ("contenttypes", "0002_remove_content_type_name"),
        # What refers to content types, so that deleting one deletes them too.
        ("auth", "0012_alter_user_first_name_max_length"),
        ("admin", "0003_logentry_add_action_flag_choices"),
    ]

    operations = [migrations.RunPython(drop_api_cache, migrations.RunPython.noop, elidable=True)]
