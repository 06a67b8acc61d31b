"""The reviewer and editor roles: groups, and nothing more.

What each role may do is decided by ``claims.policies`` everywhere (the API, the web
UI and the admin alike); the groups carry no model permissions. A data migration
creates them; ``ensure_roles`` makes them again where a database was emptied (a test
that flushes it, say).
"""

from __future__ import annotations

from typing import Any

ROLE_NAMES = ("reviewer", "editor")


def ensure_roles(apps: Any = None) -> None:
    """Create the role groups (idempotent), without model permissions."""
    if apps is None:
        from django.apps import apps as installed_apps

        apps = installed_apps
    Group = apps.get_model("auth", "Group")
    for name in ROLE_NAMES:
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.clear()
