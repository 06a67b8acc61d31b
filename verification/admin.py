from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from verification.models import QuoteCheck


@admin.register(QuoteCheck)
class QuoteCheckAdmin(admin.ModelAdmin):
    """Results are computed from snapshots: read-only here, re-run by the workers."""

    list_display = ("quote_excerpt", "result", "score", "claim", "source", "evidence", "checked_at")
    list_filter = ("result", "checked_at")
    search_fields = ("quote", "source_wording")
    date_hierarchy = "checked_at"
    list_select_related = ("claim", "source", "evidence")
    readonly_fields = [field.name for field in QuoteCheck._meta.fields]

    @admin.display(description="quote")
    def quote_excerpt(self, check: QuoteCheck) -> str:
        return check.quote if len(check.quote) <= 80 else f"{check.quote[:79]}…"

    def get_queryset(self, request: HttpRequest) -> QuerySet[QuoteCheck]:
        return super().get_queryset(request).defer("snapshot__text")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
