"""REST API of my notifications and e-mail preferences (``notifications`` decides)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.permissions import IsReviewer
from api.views import ERRORS
from notifications import selectors, services
from notifications.models import DEFAULT_DELIVERY, Delivery, Kind, Notification


class NotificationClaimSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    label = serializers.CharField(help_text='How people name it in its article: "C3".')  # type: ignore[assignment]
    article = serializers.IntegerField(source="article_id")
    article_title = serializers.CharField(source="article.title")


class NotificationSerializer(serializers.ModelSerializer):
    claim = NotificationClaimSerializer(allow_null=True, read_only=True)
    actor: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    unread = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "text", "claim", "actor", "created_at", "read_at", "unread"]
        read_only_fields = fields

    def get_unread(self, notification: Notification) -> bool:
        return notification.read_at is None


class NotificationFilterSerializer(serializers.Serializer):
    unread = serializers.BooleanField(required=False, default=False)


class ReadAllSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many were unread.")


PreferencesSerializer = type(
    "NotificationPreferencesSerializer",
    (serializers.Serializer,),
    {
        kind.value: serializers.ChoiceField(
            choices=Delivery.choices,
            required=False,
            help_text=f"{kind.label} (default: {DEFAULT_DELIVERY[kind]}).",
        )
        for kind in Kind
    },
)


class MyNotificationsView(generics.ListAPIView):
    permission_classes = [IsReviewer]
    serializer_class = NotificationSerializer

    def get_queryset(self) -> QuerySet[Notification]:
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        query = NotificationFilterSerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return selectors.inbox(user=self.request.user, unread=query.validated_data["unread"])

    @extend_schema(
        summary="My notifications, newest first",
        parameters=[
            OpenApiParameter("unread", OpenApiTypes.BOOL, description="Only the unread ones.")
        ],
        responses={200: NotificationSerializer, **ERRORS},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class NotificationReadView(APIView):
    permission_classes = [IsReviewer]

    @extend_schema(
        summary="Mark one of my notifications read",
        request=None,
        responses={200: NotificationSerializer, **ERRORS},
    )
    def post(self, request: Request, notification_id: int) -> Response:
        notification = get_object_or_404(selectors.inbox(user=request.user), pk=notification_id)
        services.notification_mark_read(notification=notification, user=request.user)
        return Response(NotificationSerializer(notification).data)


class NotificationsReadAllView(APIView):
    permission_classes = [IsReviewer]

    @extend_schema(
        summary="Mark all my notifications read",
        request=None,
        responses={200: ReadAllSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        return Response({"marked": services.notifications_mark_all_read(user=request.user)})


class MyNotificationPreferencesView(APIView):
    permission_classes = [IsReviewer]

    @extend_schema(
        summary="How each kind of my notifications is e-mailed",
        responses={200: PreferencesSerializer, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        return Response(services.preferences_of(request.user))

    @extend_schema(
        summary="Choose how kinds of my notifications are e-mailed",
        description="`instant`: an e-mail each; `digest`: one daily e-mail; `off`: inbox only.",
        request=PreferencesSerializer,
        responses={200: PreferencesSerializer, **ERRORS},
    )
    def patch(self, request: Request) -> Response:
        data = PreferencesSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        deliveries = dict(data.validated_data)
        return Response(services.preferences_set(user=request.user, deliveries=deliveries))
