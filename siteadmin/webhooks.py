"""Webhook subscriptions and their deliveries: editors read them, turn subscriptions on or
off, change their URL and events, delete them and send failed deliveries again. New
subscriptions are made through the API, whose answer shows the secret once."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import ngettext

from claims import policies
from claims.events import EVENTS
from siteadmin.permissions import PolicyAdmin, ReadOnlyAdmin
from webhooks.models import Delivery, DeliveryStatus, Subscription
from webhooks.services import (
    delivery_redeliver,
    subscription_check,
    subscription_delete,
    subscription_update,
)


class SubscriptionForm(forms.ModelForm):
    url = forms.URLField(max_length=2000, assume_scheme="https")
    events = forms.MultipleChoiceField(
        choices=[(name, name) for name in EVENTS], widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Subscription
        fields = ("url", "events", "is_active")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "url" in cleaned and "events" in cleaned:
            try:
                subscription_check(url=cleaned["url"], events=cleaned["events"])
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    for message in messages:
                        self.add_error(field if field in self.fields else None, message)
        return cleaned


class WebhookAdmin(PolicyAdmin):
    def may_view(self, user: Any) -> bool:
        return policies.can_manage_webhooks(user)


@admin.register(Subscription)
class SubscriptionAdmin(WebhookAdmin):
    form = SubscriptionForm
    list_display = ("url", "owner", "is_active", "consecutive_failures", "created_at")
    list_filter = ("is_active",)
    search_fields = ("url", "owner__username")
    list_select_related = ("owner",)
    readonly_fields = (
        "owner",
        "disabled_reason",
        "disabled_at",
        "consecutive_failures",
        "created_at",
        "updated_at",
    )

    def may_change(self, user: Any, obj: Any) -> bool:
        return policies.can_manage_webhooks(user)

    def may_delete(self, user: Any, obj: Any) -> bool:
        return policies.can_manage_webhooks(user)

    def save_model(self, request: HttpRequest, obj: Subscription, form: Any, change: bool) -> None:
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        stored = Subscription.objects.get(pk=obj.pk)
        subscription_update(subscription=stored, user=request.user, **changes)

    def delete_model(self, request: HttpRequest, obj: Subscription) -> None:
        subscription_delete(subscription=obj, user=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Subscription]) -> None:
        for subscription in queryset:
            subscription_delete(subscription=subscription, user=request.user)


@admin.register(Delivery)
class DeliveryAdmin(WebhookAdmin, ReadOnlyAdmin):
    list_display = (
        "message_id",
        "subscription",
        "event_type",
        "status",
        "attempts",
        "response_code",
        "created_at",
    )
    list_filter = ("status", "event_type")
    search_fields = ("message_id", "subscription__url")
    list_select_related = ("subscription",)
    date_hierarchy = "created_at"
    actions = ("send_again",)

    def has_send_again_permission(self, request: HttpRequest) -> bool:
        return policies.can_manage_webhooks(request.user)

    @admin.action(
        description="Send the selected failed deliveries again", permissions=["send_again"]
    )
    def send_again(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        queryset = queryset.filter(status=DeliveryStatus.FAILED)
        count = sum(delivery_redeliver(delivery=d, user=request.user) for d in queryset)
        self.message_user(
            request,
            ngettext("%(count)d delivery queued.", "%(count)d deliveries queued.", count)
            % {"count": count},
        )
