"""Webhooks end to end: a real Celery worker, the real broker and PostgreSQL, and local
receivers. An editor publishes a claim; each subscribed receiver gets the signed event."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.db import connection
from standardwebhooks import Webhook

from claims.models import ArticleStatus
from factcheck.celery import app as celery_app
from tests.factories import ArticleFactory, ClaimFactory
from tests.receiver import receiving
from tests.worker import broker_is_shared, running_worker, wait_for
from tests.workflow import make_ready
from webhooks.models import Delivery, DeliveryStatus

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.worker,
]


@pytest.fixture(autouse=True)
def _real_worker_setup(settings) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("a worker process shares the test database only on PostgreSQL")
    if not broker_is_shared():
        pytest.skip("needs CELERY_BROKER_URL pointing at Redis or RabbitMQ")
    settings.FETCH_ALLOW_LOOPBACK = True
    celery_app.control.purge()


def test_publishing_delivers_one_signed_event_and_a_failing_receiver_gets_retries(
    editor, editor_api, tmp_path: Path
):
    refused = editor_api.post(
        "/api/v1/webhooks/",
        {"url": "http://169.254.169.254/latest/meta-data/", "events": ["claim.published"]},
        format="json",
    )
    assert refused.status_code == 400
    assert "169.254.169.254 is a link-local address" in refused.json()["detail"]

    claim = ClaimFactory.create(
        article=ArticleFactory.create(status=ArticleStatus.PUBLISHED), summary="Trees cool streets."
    )
    make_ready(claim, editor)

    with receiving() as steady, receiving([500, 500]) as flaky:
        hooks = {}
        for name, receiver in (("steady", steady), ("flaky", flaky)):
            response = editor_api.post(
                "/api/v1/webhooks/",
                {"url": receiver.url(), "events": ["claim.published", "claim.corrected"]},
                format="json",
            )
            assert response.status_code == 201, response.content
            hooks[name] = response.json()

        with running_worker(tmp_path / "worker.log", WEBHOOK_RETRY_BASE_SECONDS="0.2"):
            published = editor_api.post(
                f"/api/v1/claims/{claim.pk}/publish/",
                {
                    "verdict": "mostly_true",
                    "rationale": "The survey says so.",
                    "note": "Decided.",
                    "confirm_no_evidence": True,
                },
                format="json",
            )
            assert published.status_code in (200, 201), published.content
            wait_for(
                lambda: Delivery.objects.filter(status=DeliveryStatus.SUCCEEDED).count() == 2,
                timeout=30,
                what=lambda: str(list(Delivery.objects.values("status", "attempts", "last_error"))),
            )
            time.sleep(0.5)  # a second copy, if any were sent, would arrive by now

        [event] = [
            Webhook(hooks["steady"]["secret"]).verify(r.body, r.headers) for r in steady.received
        ]
        assert event["type"] == "claim.published"
        assert event["data"]["claim"]["id"] == claim.pk
        assert event["data"]["verdict"] == "mostly_true"

        assert len(flaky.received) == 3
        assert {r.headers["webhook-id"] for r in flaky.received} == {
            Delivery.objects.get(subscription_id=hooks["flaky"]["id"]).message_id
        }
        for request in flaky.received:
            Webhook(hooks["flaky"]["secret"]).verify(request.body, request.headers)

    [logged] = editor_api.get(f"/api/v1/webhooks/{hooks['flaky']['id']}/deliveries/").json()[
        "results"
    ]
    assert logged["event_type"] == "claim.published"
    assert (logged["status"], logged["attempts"], logged["response_code"]) == ("succeeded", 3, 200)
