"""Webhook subscriptions (editors and staff): ``/api/v1/webhooks/``."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from api import webhook_serializers as s
from api.permissions import CanManageWebhooks
from api.views import ERRORS
from webhooks import selectors, services
from webhooks.models import Delivery, DeliveryStatus, Subscription


class SubscriptionListView(generics.ListAPIView):
    permission_classes = [CanManageWebhooks]
    serializer_class = s.SubscriptionSerializer

    def get_queryset(self) -> QuerySet[Subscription]:
        return selectors.subscription_list()

    @extend_schema(
        summary="Webhook subscriptions, newest first (editors)",
        responses={200: s.SubscriptionSerializer, **ERRORS},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Subscribe a URL to events (editors)",
        description="Deliveries follow Standard Webhooks: `webhook-id`, `webhook-timestamp` "
        "and `webhook-signature` headers, a JSON body `{type, timestamp, data}`. The "
        "`secret` is shown in this response only. " + s.EVENT_HELP,
        request=s.SubscriptionInputSerializer,
        responses={201: s.SubscriptionWithSecretSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        data = s.SubscriptionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        subscription = services.subscription_create(user=request.user, **data.validated_data)
        body = s.SubscriptionWithSecretSerializer(subscription).data
        return Response(body, status=status.HTTP_201_CREATED)


class SubscriptionDetailView(generics.GenericAPIView):
    permission_classes = [CanManageWebhooks]
    serializer_class = s.SubscriptionSerializer

    def get_object(self) -> Subscription:
        return get_object_or_404(selectors.subscription_list(), pk=self.kwargs["webhook_id"])

    @extend_schema(
        summary="One webhook subscription (editors)",
        responses={200: s.SubscriptionSerializer, **ERRORS},
    )
    def get(self, request: Request, webhook_id: int) -> Response:
        return Response(s.SubscriptionSerializer(self.get_object()).data)

    @extend_schema(
        summary="Change a webhook subscription, or turn it back on (editors)",
        request=s.SubscriptionChangeSerializer,
        responses={200: s.SubscriptionSerializer, **ERRORS},
    )
    def patch(self, request: Request, webhook_id: int) -> Response:
        subscription = self.get_object()
        data = s.SubscriptionChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        subscription = services.subscription_update(
            subscription=subscription, user=request.user, **data.validated_data
        )
        shown = (
            s.SubscriptionWithSecretSerializer
            if "secret" in data.validated_data
            else s.SubscriptionSerializer
        )
        return Response(shown(subscription).data)

    @extend_schema(
        summary="Delete a webhook subscription (editors)", responses={204: None, **ERRORS}
    )
    def delete(self, request: Request, webhook_id: int) -> Response:
        services.subscription_delete(subscription=self.get_object(), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DeliveryListView(generics.ListAPIView):
    permission_classes = [CanManageWebhooks]
    serializer_class = s.DeliverySerializer

    def get_queryset(self) -> QuerySet[Delivery]:
        if getattr(self, "swagger_fake_view", False):
            return Delivery.objects.none()
        subscription = get_object_or_404(Subscription, pk=self.kwargs["webhook_id"])
        wanted = self.request.query_params.get("status", "")
        if wanted and wanted not in DeliveryStatus.values:
            choices = DeliveryStatus.values
            raise ValidationError({"status": f"{wanted!r} is not a status; use one of {choices}."})
        return selectors.delivery_list(subscription=subscription, status=wanted)

    @extend_schema(
        summary="A subscription's deliveries, newest first (editors)",
        parameters=[OpenApiParameter("status", str, enum=DeliveryStatus.values, required=False)],
        responses={200: s.DeliverySerializer, **ERRORS},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)
