from __future__ import annotations

from typing import Any

from rest_framework import serializers

from claims.events import EVENTS
from webhooks.models import Delivery, DeliveryStatus, Subscription

EVENT_HELP = "Event names: " + ", ".join(f"`{name}`" for name in EVENTS) + "."


class SubscriptionInputSerializer(serializers.Serializer):
    """The service checks the URL's address, the events and the secret's form."""

    url = serializers.URLField(max_length=2000)
    events = serializers.ListField(
        child=serializers.CharField(max_length=50), max_length=len(EVENTS), help_text=EVENT_HELP
    )
    secret = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text="`whsec_` and 24 to 64 random bytes in base64; made for you when not "
        "given (or given blank on a change), and shown in that response only.",
    )


class SubscriptionChangeSerializer(SubscriptionInputSerializer):
    is_active = serializers.BooleanField(
        required=False, help_text="Turn a disabled subscription back on, or off."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False


class SubscriptionSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.username", read_only=True, allow_null=True)
    events = serializers.ListField(child=serializers.CharField(), help_text=EVENT_HELP)

    class Meta:
        model = Subscription
        fields: tuple[str, ...] = (
            "id",
            "url",
            "events",
            "is_active",
            "disabled_reason",
            "disabled_at",
            "consecutive_failures",
            "owner",
            "created_at",
            "updated_at",
        )
        read_only_fields: tuple[str, ...] = fields


class SubscriptionWithSecretSerializer(SubscriptionSerializer):
    """The answer to a creation, or to a change of the secret: the only time it is shown."""

    secret = serializers.CharField(read_only=True)

    class Meta(SubscriptionSerializer.Meta):
        fields = (*SubscriptionSerializer.Meta.fields, "secret")
        read_only_fields = fields


class DeliverySerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=DeliveryStatus.choices, read_only=True)

    class Meta:
        model = Delivery
        fields = (
            "id",
            "message_id",
            "event_type",
            "status",
            "attempts",
            "response_code",
            "last_error",
            "created_at",
            "last_attempt_at",
            "next_attempt_at",
            "delivered_at",
            "payload",
        )
        read_only_fields = fields
