from __future__ import annotations

from rest_framework import permissions
from rest_framework.request import Request
from rest_framework.views import APIView

from claims import policies


class ReadPublishedElseReviewer(permissions.BasePermission):
    """Anyone reads (the view narrows what non-reviewers see); reviewers write."""

    message = "Only reviewers and editors may change this."

    def has_permission(self, request: Request, view: APIView) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return policies.is_reviewer(request.user)


class IsReviewer(permissions.BasePermission):
    """Reviewers, editors and staff only; anonymous callers get 401, others 403."""

    message = "Only reviewers and editors may use this endpoint."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return policies.is_reviewer(request.user)


class CanHandleCorrectionRequests(permissions.BasePermission):
    """Readers' reports of errors are for editors; anonymous callers get 401, others 403."""

    message = "Only editors may read and answer readers' reports of errors."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return policies.can_handle_correction_requests(request.user)


class CanViewArchives(permissions.BasePermission):
    """Archived copies of fetched pages: reviewers and editors; anonymous callers get 401."""

    message = "Only reviewers and editors may read the archived copies of fetched pages."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return policies.can_view_archives(request.user)


class CanManageWebhooks(permissions.BasePermission):
    """Webhook subscriptions are for editors and staff; anonymous callers get 401."""

    message = "Only editors and staff may manage webhooks."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return policies.can_manage_webhooks(request.user)
