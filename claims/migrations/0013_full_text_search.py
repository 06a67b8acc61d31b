"""Full-text search indexes that the database keeps current: ``claims/search_schema.py``."""

from django.db import migrations

from claims import search_schema


def create(apps, schema_editor) -> None:
    # SQLite's triggers come after every migration (claims.receivers.search_index_repaired).
    search_schema.create(schema_editor.connection, sqlite_triggers=False)


def drop(apps, schema_editor) -> None:
    search_schema.drop(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0012_snapshot_headers_and_archive"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
