"""Notifications, e-mail preferences and the replies e-mailed to readers, read-only: the
services write them (the domain's events, the inbox, the e-mail jobs). Each notification
is one person's, so only those who see every rating (editors) read everyone's here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from claims import policies
from notifications.models import Notification, Preference, ReaderReply
from siteadmin.claims import short
from siteadmin.permissions import ReadOnlyAdmin


class EveryonesAdmin(ReadOnlyAdmin):
    def may_view(self, user: Any) -> bool:
        return policies.can_read_everyones_notifications(user)


class ReadFilter(admin.SimpleListFilter):
    title = "read"
    parameter_name = "read"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "Read"), ("no", "Unread")]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        if self.value() in ("yes", "no"):
            return queryset.filter(read_at__isnull=self.value() == "no")
        return queryset


@admin.register(Notification)
class NotificationAdmin(EveryonesAdmin):
    list_display = ("created_at", "recipient", "kind", "text_short", "is_read", "email_state")
    list_filter = ("kind", ReadFilter, "email_state")
    search_fields = ("text", "recipient__username")
    list_select_related = ("recipient",)
    date_hierarchy = "created_at"

    @admin.display(description="text")
    def text_short(self, obj: Notification) -> str:
        return short(obj.text, 60)

    @admin.display(description="read", boolean=True)
    def is_read(self, obj: Notification) -> bool:
        return obj.is_read


@admin.register(Preference)
class PreferenceAdmin(EveryonesAdmin):
    list_display = ("user", "kind", "delivery")
    list_filter = ("kind", "delivery")
    search_fields = ("user__username",)
    list_select_related = ("user",)


@admin.register(ReaderReply)
class ReaderReplyAdmin(EveryonesAdmin):
    list_display = ("created_at", "correction_request", "response_short", "sent_at")
    search_fields = ("response",)
    list_select_related = ("correction_request",)

    @admin.display(description="response")
    def response_short(self, obj: ReaderReply) -> str:
        return short(obj.response, 60)
