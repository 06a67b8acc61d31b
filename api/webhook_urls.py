from django.urls import path

from api import webhook_views

app_name = "webhooks-api"
urlpatterns = [
    path("webhooks/", webhook_views.SubscriptionListView.as_view(), name="webhooks"),
    path(
        "webhooks/<id:webhook_id>/",
        webhook_views.SubscriptionDetailView.as_view(),
        name="webhook",
    ),
    path(
        "webhooks/<id:webhook_id>/deliveries/",
        webhook_views.DeliveryListView.as_view(),
        name="webhook-deliveries",
    ),
]
