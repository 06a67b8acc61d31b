"""My notifications and e-mail settings in the REST API."""

from __future__ import annotations

from typing import Any

import pytest

from notifications.models import DEFAULT_DELIVERY, Delivery, Kind, Notification
from tests.factories import ClaimFactory, UserFactory

pytestmark = pytest.mark.django_db


def notify(user: Any, claim: Any = None, text: str = "Assigned.") -> Notification:
    return Notification.objects.create(
        recipient=user, kind=Kind.ASSIGNED, claim=claim or ClaimFactory.create(), text=text
    )


def test_my_notifications_newest_first_and_only_the_unread_on_request(
    reviewer, reviewer_api, django_assert_max_num_queries
):
    claim = ClaimFactory.create(article__title="Trees")
    older = notify(reviewer, claim, "First.")
    newer = notify(reviewer, claim, "Second.")
    for _ in range(10):
        notify(reviewer)
    notify(UserFactory.create(), claim, "Not mine.")
    Notification.objects.filter(pk=older.pk).update(read_at="2026-01-01T00:00Z")

    with django_assert_max_num_queries(6):
        body = reviewer_api.get("/api/v1/me/notifications/").json()
    assert body["count"] == 12
    assert [n["text"] for n in body["results"]][-2:] == ["Second.", "First."]
    mine = next(n for n in body["results"] if n["id"] == newer.pk)
    assert mine == {
        "id": newer.pk,
        "kind": "assigned",
        "text": "Second.",
        "claim": {
            "id": claim.pk,
            "number": claim.number,
            "label": f"C{claim.number}",
            "article": claim.article_id,
            "article_title": "Trees",
        },
        "actor": None,
        "created_at": mine["created_at"],
        "read_at": None,
        "unread": True,
    }
    unread = reviewer_api.get("/api/v1/me/notifications/", {"unread": "true"}).json()
    assert unread["count"] == 11
    refused = reviewer_api.get("/api/v1/me/notifications/", {"unread": "perhaps"})
    assert refused.status_code == 400
    assert "unread" in refused.json()["errors"]


def test_marking_one_and_all_read(reviewer, reviewer_api, second_reviewer, api):
    mine = [notify(reviewer) for _ in range(3)]
    theirs = notify(second_reviewer)

    response = reviewer_api.post(f"/api/v1/me/notifications/{mine[0].pk}/read/")
    assert response.status_code == 200
    assert response.json()["unread"] is False
    assert reviewer_api.post(f"/api/v1/me/notifications/{theirs.pk}/read/").status_code == 404
    assert reviewer_api.post("/api/v1/me/notifications/read-all/").json() == {"marked": 2}
    assert reviewer_api.post("/api/v1/me/notifications/read-all/").json() == {"marked": 0}
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert api.get("/api/v1/me/notifications/").status_code == 401


def test_my_email_settings_per_kind(reviewer_api):
    assert reviewer_api.get("/api/v1/me/notification-preferences/").json() == DEFAULT_DELIVERY

    response = reviewer_api.patch(
        "/api/v1/me/notification-preferences/",
        {"reply": "off", "assigned": "digest"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json() == DEFAULT_DELIVERY | {"reply": "off", "assigned": Delivery.DIGEST}

    refused = reviewer_api.patch(
        "/api/v1/me/notification-preferences/", {"assigned": "hourly"}, format="json"
    )
    assert refused.status_code == 400
    assert "assigned" in refused.json()["errors"]
