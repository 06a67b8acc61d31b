"""The index ``claims.search`` reads the text search configurations in use from."""

from django.db import migrations

from claims import search_schema


def create(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(search_schema.PG_CONFIG_INDEX)


def drop(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS claims_article_search_config")


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0018_list_indexes"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
