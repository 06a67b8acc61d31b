"""Create the reviewer and editor groups with their model permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

VIEW_ALL = [
    "view_article",
    "view_source",
    "view_sourcesnapshot",
    "view_claim",
    "view_evidence",
    "view_rating",
]
REVIEWER = [
    *VIEW_ALL,
    "add_article",
    "change_source",
    "add_claim",
    "add_evidence",
    "change_evidence",
    "add_rating",
    "change_rating",
    "delete_rating",
]
EDITOR = [
    *REVIEWER,
    "change_article",
    "delete_article",
    "change_claim",
    "delete_claim",
    "delete_evidence",
]
ROLES = {"reviewer": REVIEWER, "editor": EDITOR}


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; roles need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = Permission.objects.filter(
            content_type__app_label="claims", codename__in=codenames
        )
        group.permissions.set(permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("claims", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
