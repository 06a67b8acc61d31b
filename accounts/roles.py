"""The reviewer and editor roles: groups with their model permissions.

Created by a data migration; ``ensure_roles`` makes them again where a database
was emptied (a test that flushes it, say).
"""

from __future__ import annotations

from typing import Any

VIEW_ALL = [
    "view_article",
    "view_source",
    "view_sourcesnapshot",
    "view_claim",
    "view_evidence",
    "view_rating",
]
REVIEWER_PERMISSIONS = [
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
EDITOR_PERMISSIONS = [
    *REVIEWER_PERMISSIONS,
    "change_article",
    "delete_article",
    "change_claim",
    "delete_claim",
    "delete_evidence",
]
ROLE_PERMISSIONS = {"reviewer": REVIEWER_PERMISSIONS, "editor": EDITOR_PERMISSIONS}


def ensure_roles(apps: Any = None) -> None:
    """Create the role groups and give them their permissions (idempotent)."""
    if apps is None:
        from django.apps import apps as installed_apps

        apps = installed_apps
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; the roles need them now.
    claims = apps.get_app_config("claims")
    models_module = getattr(claims, "models_module", None)
    claims.models_module = models_module or True
    try:
        create_permissions(claims, apps=apps, verbosity=0)
    finally:
        claims.models_module = models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(
            Permission.objects.filter(content_type__app_label="claims", codename__in=codenames)
        )
