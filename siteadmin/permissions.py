"""What a user may do in the admin is what ``claims.policies`` lets them do anywhere.

Django's admin asks ``has_view/add/change/delete_permission(request, obj)`` before it
shows a button or accepts a form; every admin here answers from the same policy
functions the services enforce (the services check again when the admin calls them),
so the admin cannot offer what the API and the web UI refuse. Model permissions of
groups play no part. Only staff users reach the admin at all (Django's rule).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from claims import policies
from claims.paging import CappedPaginator


class PolicyAdmin(admin.ModelAdmin):
    """Reviewers and above read everything; writes follow ``claims.policies``.

    Subclasses say who may read by overriding ``may_view`` (default: reviewers and above),
    and who may add, change and delete by overriding ``may_add``, ``may_change`` and
    ``may_delete``; each of those defaults to "nobody".

    Changelists count at most ``LIST_COUNT_LIMIT`` rows, and never the whole table beside
    the filtered count: a table of 500,000 ratings is not counted on every page.
    """

    paginator = CappedPaginator
    show_full_result_count = False

    def may_view(self, user: Any) -> bool:
        return policies.is_reviewer(user)

    def may_add(self, user: Any) -> bool:
        return False

    def may_change(self, user: Any, obj: Any) -> bool:
        return False

    def may_delete(self, user: Any, obj: Any) -> bool:
        return False

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.may_view(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.may_view(request.user)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self.may_add(request.user)

    # obj is None for the list: may this user change (delete) any row of it?
    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.may_change(request.user, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.may_delete(request.user, obj)

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> Any:
        """Rows a deletion cascades to (an article's sources and claims) go with it: the
        policy for the row being deleted decides, not the admins of the rows below it."""
        deleted, counts, _perms_needed, protected = super().get_deleted_objects(objs, request)
        return deleted, counts, set(), protected


class ReadOnlyAdmin(PolicyAdmin):
    """Rows that only the services write (results, logs): read here, changed nowhere."""
