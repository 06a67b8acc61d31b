"""Reads the API and the admin share."""

from __future__ import annotations

from django.db.models import QuerySet

from webhooks.models import Delivery, Subscription


def subscription_list() -> QuerySet[Subscription]:
    return Subscription.objects.select_related("owner")


def delivery_list(*, subscription: Subscription, status: str = "") -> QuerySet[Delivery]:
    """A subscription's deliveries, newest first."""
    deliveries = Delivery.objects.filter(subscription=subscription)
    return deliveries.filter(status=status) if status else deliveries
