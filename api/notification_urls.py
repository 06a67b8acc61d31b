from django.urls import path

from api import notification_views as api

app_name = "notifications-api"
urlpatterns = [
    path("me/notifications/", api.MyNotificationsView.as_view(), name="my-notifications"),
    path(
        "me/notifications/read-all/",
        api.NotificationsReadAllView.as_view(),
        name="my-notifications-read-all",
    ),
    path(
        "me/notifications/<id:notification_id>/read/",
        api.NotificationReadView.as_view(),
        name="my-notification-read",
    ),
    path(
        "me/notification-preferences/",
        api.MyNotificationPreferencesView.as_view(),
        name="my-notification-preferences",
    ),
]
