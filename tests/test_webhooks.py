"""Webhooks for API clients: subscriptions (editors), signed deliveries of the desk's events
(Standard Webhooks), retries, deduplication, the log, and disabling one that keeps failing."""

from __future__ import annotations

import json
import socket
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from standardwebhooks import Webhook

from claims.models import ArticleStatus, Verdict
from tests.factories import ArticleFactory, ClaimFactory
from tests.receiver import Receiver, receiving
from tests.workflow import publish, rate
from webhooks import delivery as webhook_delivery
from webhooks import signing, tasks
from webhooks.models import Delivery, DeliveryStatus, Subscription
from webhooks.services import subscription_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def loopback(settings) -> None:
    settings.FETCH_ALLOW_LOOPBACK = True
    settings.WEBHOOK_TIMEOUT_SECONDS = 3
    settings.WEBHOOK_RETRY_BASE_SECONDS = 0.1


@pytest.fixture
def receiver(loopback) -> Any:
    with receiving() as server:
        yield server


def subscribe(editor: Any, url: str, *events: str) -> Subscription:
    return subscription_create(user=editor, url=url, events=list(events) or ["claim.published"])


def deliveries(subscription: Subscription) -> list[Delivery]:
    return list(Delivery.objects.filter(subscription=subscription).order_by("id"))


def published_claim(editor: Any, capture: Any) -> Any:
    claim = ClaimFactory.create(article=ArticleFactory.create(status=ArticleStatus.PUBLISHED))
    with capture(execute=True):
        publish(claim, editor, Verdict.FALSE)
    return claim


# --- Subscribing ----------------------------------------------------------------


def test_an_editor_subscribes_and_sees_the_generated_secret_once(editor_api, loopback):
    response = editor_api.post(
        "/api/v1/webhooks/",
        {"url": "http://127.0.0.1:9/hook", "events": ["claim.published", "source.dead"]},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["secret"].startswith("whsec_")
    Webhook(body["secret"])  # a Standard Webhooks secret
    assert body["events"] == ["claim.published", "source.dead"]
    assert body["is_active"] is True

    shown = editor_api.get(f"/api/v1/webhooks/{body['id']}/").json()
    assert "secret" not in shown
    listed = editor_api.get("/api/v1/webhooks/").json()
    assert [row["id"] for row in listed["results"]] == [body["id"]]
    assert "secret" not in listed["results"][0]


def test_a_given_secret_is_kept_and_a_malformed_one_refused(editor_api, loopback):
    secret = signing.new_secret()
    response = editor_api.post(
        "/api/v1/webhooks/",
        {"url": "http://127.0.0.1:9/", "events": ["claim.published"], "secret": secret},
        format="json",
    )
    assert response.status_code == 201
    assert Subscription.objects.get().secret == secret
    refused = editor_api.post(
        "/api/v1/webhooks/",
        {"url": "http://127.0.0.1:9/", "events": ["claim.published"], "secret": "hunter2"},
        format="json",
    )
    assert refused.status_code == 400
    assert "whsec_" in refused.json()["errors"]["secret"][0]


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://10.0.0.7/hook", "private"),
        ("http://[::ffff:169.254.169.254]/", "IPv4-mapped"),
        ("ftp://127.0.0.1/hook", "scheme"),
    ],
)
def test_a_subscription_to_a_private_address_is_refused(editor_api, loopback, url, reason):
    response = editor_api.post(
        "/api/v1/webhooks/", {"url": url, "events": ["claim.published"]}, format="json"
    )
    assert response.status_code == 400
    assert reason in response.json()["detail"]
    assert not Subscription.objects.exists()


def test_loopback_is_refused_unless_allowed(editor_api, settings):
    settings.FETCH_ALLOW_LOOPBACK = False
    response = editor_api.post(
        "/api/v1/webhooks/",
        {"url": "http://127.0.0.1:9/", "events": ["claim.published"]},
        format="json",
    )
    assert response.status_code == 400
    assert "loopback" in response.json()["errors"]["url"][0]


def test_unknown_events_are_refused_with_the_names_there_are(editor_api, loopback):
    response = editor_api.post(
        "/api/v1/webhooks/",
        {"url": "http://127.0.0.1:9/", "events": ["claim.published", "claim.exploded"]},
        format="json",
    )
    assert response.status_code == 400
    message = response.json()["errors"]["events"][0]
    assert "claim.exploded" in message
    assert "claim.disputed" in message
    empty = editor_api.post(
        "/api/v1/webhooks/", {"url": "http://127.0.0.1:9/", "events": []}, format="json"
    )
    assert empty.status_code == 400


def test_only_editors_and_staff_manage_webhooks(api, reviewer_api, staff_api, loopback):
    body = {"url": "http://127.0.0.1:9/", "events": ["claim.published"]}
    assert api.post("/api/v1/webhooks/", body, format="json").status_code == 401
    assert reviewer_api.post("/api/v1/webhooks/", body, format="json").status_code == 403
    assert reviewer_api.get("/api/v1/webhooks/").status_code == 403
    created = staff_api.post("/api/v1/webhooks/", body, format="json")
    assert created.status_code == 201
    webhook = created.json()["id"]
    assert reviewer_api.get(f"/api/v1/webhooks/{webhook}/deliveries/").status_code == 403
    assert reviewer_api.delete(f"/api/v1/webhooks/{webhook}/").status_code == 403


def test_a_subscription_is_changed_turned_off_and_deleted(editor_api, editor, loopback):
    subscription = subscribe(editor, "http://127.0.0.1:9/")
    url = f"/api/v1/webhooks/{subscription.pk}/"
    changed = editor_api.patch(url, {"events": ["claim.corrected"]}, format="json")
    assert changed.status_code == 200
    assert changed.json()["events"] == ["claim.corrected"]
    assert "secret" not in changed.json()
    off = editor_api.patch(url, {"is_active": False}, format="json").json()
    assert off["is_active"] is False
    assert editor.username in off["disabled_reason"]
    rotated = editor_api.patch(url, {"secret": ""}, format="json").json()
    assert rotated["secret"].startswith("whsec_")
    assert rotated["secret"] != subscription.secret
    assert (
        editor_api.patch(url, {"url": "http://169.254.169.254/"}, format="json").status_code == 400
    )
    assert editor_api.delete(url).status_code == 204
    assert not Subscription.objects.exists()


# --- Events become deliveries ---------------------------------------------------------


def test_publishing_queues_one_delivery_with_the_public_verdict(
    editor, loopback, django_capture_on_commit_callbacks, settings
):
    settings.PUBLIC_BASE_URL = "https://checks.example.org"
    subscription = subscribe(editor, "http://127.0.0.1:9/", "claim.published")
    other = subscribe(editor, "http://127.0.0.1:9/other", "claim.corrected")
    claim = published_claim(editor, django_capture_on_commit_callbacks)

    [sent] = deliveries(subscription)
    assert not deliveries(other)
    assert sent.message_id.startswith("msg_")
    assert sent.status == DeliveryStatus.PENDING
    payload = sent.payload
    assert payload["type"] == "claim.published"
    assert payload["data"]["verdict"] == "false"
    assert payload["data"]["claim"] == {
        "id": claim.pk,
        "number": claim.number,
        "article": claim.article_id,
        "status": "published",
        "api_url": f"https://checks.example.org/api/v1/claims/{claim.pk}/",
        "public_url": f"https://checks.example.org/fact-checks/{claim.pk}/",
    }


def test_a_claim_of_an_unpublished_article_is_announced_without_its_verdict(
    editor, loopback, django_capture_on_commit_callbacks
):
    subscription = subscribe(editor, "http://127.0.0.1:9/", "claim.published")
    claim = ClaimFactory.create()
    with django_capture_on_commit_callbacks(execute=True):
        publish(claim, editor, Verdict.FALSE)
    [sent] = deliveries(subscription)
    assert "verdict" not in sent.payload["data"]
    assert "public_url" not in sent.payload["data"]["claim"]


def test_a_disputed_claim_is_announced_with_its_state_only(
    editor, loopback, django_capture_on_commit_callbacks
):
    subscription = subscribe(editor, "http://127.0.0.1:9/", "claim.disputed", "claim.rated")
    claim = ClaimFactory.create()
    with django_capture_on_commit_callbacks(execute=True):
        rate(claim, Verdict.TRUE, Verdict.FALSE)
    sent = {d.event_type: d.payload for d in deliveries(subscription)}
    assert sent["claim.disputed"]["data"]["consensus"] == {"state": "disputed"}
    text = json.dumps([d.payload for d in deliveries(subscription)])
    assert '"true"' not in text
    assert '"false"' not in text
    assert "Checked." not in text  # no rationale


def test_nothing_is_stored_for_events_nobody_subscribed_to(
    editor, loopback, django_capture_on_commit_callbacks
):
    subscribe(editor, "http://127.0.0.1:9/", "source.dead")
    published_claim(editor, django_capture_on_commit_callbacks)
    assert not Delivery.objects.exists()


# --- Sending --------------------------------------------------------------------------


def stored_delivery(subscription: Subscription, **payload: Any) -> Delivery:
    return Delivery.objects.create(
        subscription=subscription,
        message_id="msg_test",
        event_type="claim.published",
        payload={"type": "claim.published", "timestamp": "2026-01-01T00:00:00+00:00", **payload},
    )


def verify(receiver: Receiver, secret: str) -> list[Any]:
    return [Webhook(secret).verify(r.body, r.headers) for r in receiver.received]


def test_a_delivery_is_signed_sent_once_and_logged(editor, editor_api, receiver):
    subscription = subscribe(editor, receiver.url())
    sent = stored_delivery(subscription, data={"claim": {"id": 1}})

    assert webhook_delivery.attempt(sent.pk, task_id="t1").outcome == "succeeded"
    assert webhook_delivery.attempt(sent.pk, task_id="t1").outcome == "skipped"  # redelivered

    assert verify(receiver, subscription.secret) == [sent.payload]
    assert receiver.received[0].headers["webhook-id"] == "msg_test"
    log = editor_api.get(f"/api/v1/webhooks/{subscription.pk}/deliveries/").json()["results"]
    assert log[0]["status"] == "succeeded"
    assert log[0]["attempts"] == 1
    assert log[0]["response_code"] == 200
    assert log[0]["last_error"] == ""


def test_a_receiver_that_fails_gets_retries_then_success_is_logged(editor, editor_api, receiver):
    receiver.script = [500, 503]
    subscription = subscribe(editor, receiver.url())
    sent = stored_delivery(subscription, data={})

    first = webhook_delivery.attempt(sent.pk, task_id="t1")
    assert first.outcome == "retry"
    assert 0 < first.retry_in <= 0.1
    second = webhook_delivery.attempt(sent.pk, task_id="t1")
    assert second.outcome == "retry"
    assert 0.1 <= second.retry_in <= 0.2  # doubled
    row = Delivery.objects.get(pk=sent.pk)
    assert (row.status, row.response_code, row.attempts) == ("retrying", 503, 2)
    assert row.last_error.startswith("HTTP 503")
    assert webhook_delivery.attempt(sent.pk, task_id="t1").outcome == "succeeded"

    assert len(verify(receiver, subscription.secret)) == 3
    assert len({r.headers["webhook-id"] for r in receiver.received}) == 1
    log = editor_api.get(f"/api/v1/webhooks/{subscription.pk}/deliveries/?status=succeeded")
    [row_shown] = log.json()["results"]
    assert (row_shown["attempts"], row_shown["response_code"]) == (3, 200)
    bad = editor_api.get(f"/api/v1/webhooks/{subscription.pk}/deliveries/?status=lost")
    assert bad.status_code == 400


def test_an_unreachable_receiver_is_retried_then_given_up(editor, loopback, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    with socket.socket() as closed:  # a port nobody listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    subscription = subscribe(editor, f"http://127.0.0.1:{port}/")
    sent = stored_delivery(subscription, data={})
    assert webhook_delivery.attempt(sent.pk, task_id="t1").outcome == "retry"
    assert webhook_delivery.attempt(sent.pk, task_id="t1").outcome == "failed"
    row = Delivery.objects.get(pk=sent.pk)
    assert row.status == "failed"
    assert row.response_code is None
    assert row.last_error
    assert Subscription.objects.get().consecutive_failures == 1


def test_a_client_error_is_not_retried(editor, receiver):
    receiver.then = 410
    subscription = subscribe(editor, receiver.url())
    sent = stored_delivery(subscription, data={})
    assert webhook_delivery.attempt(sent.pk, task_id="t1").outcome == "failed"
    assert len(receiver.received) == 1


def test_a_redirect_is_not_followed(editor, receiver):
    receiver.then = 302
    subscription = subscribe(editor, receiver.url())
    sent = stored_delivery(subscription, data={})
    assert webhook_delivery.attempt(sent.pk, task_id="t1").outcome == "failed"
    assert "redirects are not followed" in Delivery.objects.get().last_error


def test_a_private_address_is_refused_again_at_delivery(editor, loopback):
    # Stored as if its name had resolved to a public address when it was subscribed.
    subscription = Subscription.objects.create(
        owner=editor,
        url="http://169.254.169.254/hook",
        events=["claim.published"],
        secret=signing.new_secret(),
    )
    sent = stored_delivery(subscription, data={})
    assert webhook_delivery.attempt(sent.pk, task_id="t1").outcome == "failed"
    row = Delivery.objects.get()
    assert "link-local" in row.last_error
    assert row.attempts == 1


def test_a_subscription_that_keeps_failing_is_disabled_and_its_owner_told(
    editor, receiver, settings
):
    settings.WEBHOOK_DISABLE_AFTER_FAILURES = 3
    receiver.then = 404
    editor.email = "desk@example.org"
    editor.save()
    subscription = subscribe(editor, receiver.url())
    for number in range(3):
        sent = Delivery.objects.create(
            subscription=subscription,
            message_id=f"msg_{number}",
            event_type="claim.published",
            payload={},
        )
        webhook_delivery.attempt(sent.pk, task_id=f"t{number}")
    subscription.refresh_from_db()
    assert subscription.is_active is False
    assert "3 deliveries in a row failed" in subscription.disabled_reason
    [message] = mail.outbox
    assert message.to == ["desk@example.org"]
    assert subscription.url in message.body

    later = Delivery.objects.create(
        subscription=subscription, message_id="msg_later", event_type="claim.published", payload={}
    )
    assert webhook_delivery.attempt(later.pk, task_id="t9").outcome == "failed"
    assert len(receiver.received) == 3


def test_a_success_starts_the_count_of_failures_again(editor, receiver):
    receiver.script = [404]
    subscription = subscribe(editor, receiver.url())
    for number in range(2):
        sent = Delivery.objects.create(
            subscription=subscription,
            message_id=f"msg_{number}",
            event_type="claim.published",
            payload={},
        )
        webhook_delivery.attempt(sent.pk, task_id=f"t{number}")
        subscription.refresh_from_db()
        assert subscription.consecutive_failures == 1 - number


def test_an_owner_who_is_no_longer_an_editor_gets_nothing(editor, receiver):
    subscription = subscribe(editor, receiver.url())
    editor.groups.clear()
    sent = stored_delivery(subscription, data={})
    assert webhook_delivery.attempt(sent.pk, task_id="t1").outcome == "failed"
    assert not receiver.received
    subscription.refresh_from_db()
    assert subscription.is_active is False
    assert "may no longer manage webhooks" in subscription.disabled_reason


def test_deliveries_whose_job_was_lost_are_queued_again(editor, loopback, monkeypatch):
    subscription = subscribe(editor, "http://127.0.0.1:9/")
    lost = stored_delivery(subscription, data={})
    Delivery.objects.filter(pk=lost.pk).update(created_at=timezone.now() - timedelta(minutes=10))
    Delivery.objects.create(  # queued a moment ago: its job is on its way
        subscription=subscription, message_id="msg_new", event_type="claim.published", payload={}
    )
    sent: list[tuple[object, ...]] = []

    def send(task: object, *args: object) -> bool:
        sent.append(args)
        return True

    monkeypatch.setattr(tasks, "send", send)

    assert tasks.resend_lost_webhooks() == 1
    assert sent == [(lost.pk,)]
    assert tasks.resend_lost_webhooks() == 0  # not again before it is overdue once more


def test_the_admin_lists_changes_and_resends_through_the_services(
    admin_client, editor, receiver, django_capture_on_commit_callbacks
):
    subscription = subscribe(editor, receiver.url())
    failed = stored_delivery(subscription, data={})
    Delivery.objects.filter(pk=failed.pk).update(status=DeliveryStatus.FAILED, attempts=8)
    assert admin_client.get(reverse("admin:webhooks_subscription_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:webhooks_delivery_changelist")).status_code == 200
    page = reverse("admin:webhooks_subscription_change", args=[subscription.pk])
    assert subscription.secret not in admin_client.get(page).content.decode()

    refused = admin_client.post(
        page, {"url": "http://169.254.169.254/", "events": ["claim.published"], "is_active": "on"}
    )
    assert "link-local" in " ".join(m for errors in refused.context["errors"] for m in errors)
    changed = admin_client.post(
        page, {"url": receiver.url(), "events": ["claim.corrected", "source.dead"]}
    )
    assert changed.status_code == 302
    subscription.refresh_from_db()
    assert subscription.events == ["claim.corrected", "source.dead"]
    assert subscription.is_active is False
    assert "Turned off by" in subscription.disabled_reason

    with django_capture_on_commit_callbacks() as queued:
        admin_client.post(
            reverse("admin:webhooks_delivery_changelist"),
            {"action": "send_again", "_selected_action": [failed.pk]},
        )
    assert len(queued) == 1
    assert Delivery.objects.get(pk=failed.pk).status == DeliveryStatus.PENDING
