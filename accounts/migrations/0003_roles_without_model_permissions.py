"""The role groups lose their model permissions: ``claims.policies`` decides for them."""

from django.db import migrations

from accounts.roles import ensure_roles


def clear_permissions(apps, schema_editor):
    ensure_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_roles"),
        ("editorial", "0002_roles_and_consensus"),
    ]

    operations = [migrations.RunPython(clear_permissions, migrations.RunPython.noop)]
