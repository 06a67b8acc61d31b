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
    "view_claimconsensus",
    "view_claimtransition",
    "view_assignment",
    "view_comment",
    "view_publication",
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
    "add_comment",
]
EDITOR_PERMISSIONS = [
    *REVIEWER_PERMISSIONS,
    "change_article",
    "delete_article",
    "change_claim",
    "delete_claim",
    "delete_evidence",
    "add_assignment",
    "delete_assignment",
    "add_publication",  # publish
    "delete_publication",  # unpublish
]
ROLE_PERMISSIONS = {"reviewer": REVIEWER_PERMISSIONS, "editor": EDITOR_PERMISSIONS}
APPS = ("claims", "editorial")


def ensure_roles(apps: Any = None) -> None:
    """Create the role groups and give them their permissions (idempotent)."""
    if apps is None:
        from django.apps import apps as installed_apps

        apps = installed_apps
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; the roles need them now.
    # (An app that a migration's state does not hold yet gets its permissions when
    # its own migration calls this again.)
    labels = []
    for label in APPS:
        try:
            config = apps.get_app_config(label)
        except LookupError:
            continue
        labels.append(label)
        models_module = getattr(config, "models_module", None)
        config.models_module = models_module or True
        try:
            create_permissions(config, apps=apps, verbosity=0)
        finally:
            config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(
            Permission.objects.filter(content_type__app_label__in=labels, codename__in=codenames)
        )
