"""Editors read everyone's notifications, e-mail preferences and replies to readers in the
admin; nobody writes them there."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from notifications.models import Kind, Notification, Preference, ReaderReply
from tests.factories import ClaimFactory, UserFactory
from tests.test_admin import queries_to_render

pytestmark = pytest.mark.django_db

NOTIFICATIONS = reverse("admin:notifications_notification_changelist")


def notify(recipient: Any, text: str, *, read: bool = False) -> Notification:
    return Notification.objects.create(
        recipient=recipient,
        kind=Kind.ASSIGNED,
        claim=ClaimFactory.create(),
        text=text,
        read_at=timezone.now() if read else None,
    )


def test_an_editor_reads_everyones_notifications_and_filters_the_unread(
    admin_client: Client,
) -> None:
    ana, ben = UserFactory.create(username="ana"), UserFactory.create(username="ben")
    notify(ana, "You were assigned to claim 1.", read=True)
    notify(ben, "You were assigned to claim 2.")

    everything = admin_client.get(NOTIFICATIONS).content.decode()
    unread = admin_client.get(NOTIFICATIONS, {"read": "no"}).content.decode()
    bens = admin_client.get(NOTIFICATIONS, {"q": "ben"}).content.decode()

    assert "claim 1." in everything
    assert "claim 2." in everything
    assert "claim 2." in unread
    assert "claim 1." not in unread
    assert "claim 2." in bens
    assert "claim 1." not in bens


def test_the_list_costs_the_same_queries_for_one_notification_as_for_thirty(
    admin_client: Client,
) -> None:
    notify(UserFactory.create(), "One.")
    few = queries_to_render(admin_client, NOTIFICATIONS)

    for n in range(29):
        notify(UserFactory.create(), f"Notification {n}.")
    many = queries_to_render(admin_client, NOTIFICATIONS)

    assert many == few


@pytest.mark.parametrize("model", [Notification, Preference, ReaderReply])
def test_only_editors_read_them_and_nobody_writes_them_there(model: type[Any]) -> None:
    editor = UserFactory.create(roles=["editor"])
    reviewer = UserFactory.create(roles=["reviewer"])
    model_admin = admin.site._registry[model]

    def asked(user: Any) -> dict[str, bool]:
        request: Any = RequestFactory().get("/admin/")
        request.user = user
        return {
            "module": model_admin.has_module_permission(request),
            "view": model_admin.has_view_permission(request),
            "add": model_admin.has_add_permission(request),
            "change": model_admin.has_change_permission(request),
            "delete": model_admin.has_delete_permission(request),
        }

    assert asked(editor) == {
        "module": True,
        "view": True,
        "add": False,
        "change": False,
        "delete": False,
    }
    assert not any(asked(reviewer).values())


@pytest.mark.parametrize("model", ["preference", "readerreply"])
def test_the_other_lists_open(admin_client: Client, model: str) -> None:
    Preference.objects.create(user=UserFactory.create(), kind=Kind.ASSIGNED, delivery="digest")

    response = admin_client.get(reverse(f"admin:notifications_{model}_changelist"))

    assert response.status_code == 200
