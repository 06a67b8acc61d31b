"""Notifications by e-mail, through a real SMTP server the tests start (aiosmtpd): one
e-mail at once, or one daily digest for several, each with working absolute links and
an unsubscribe link that needs no sign-in."""

from __future__ import annotations

import email
import email.policy
import re
import socket
import threading
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.test import Client

from claims.models import ArticleStatus, Verdict
from editorial.services.assignments import claim_assign
from editorial.services.comments import comment_create
from editorial.services.correction_requests import (
    correction_request_file,
    correction_request_handle,
)
from factcheck.celery import app as celery_app
from notifications import tasks
from notifications.models import Delivery, EmailState, Kind, Notification, Preference
from notifications.services import preferences_set
from tests.factories import ArticleFactory, ClaimFactory, UserFactory
from tests.workflow import publish

pytestmark = pytest.mark.django_db


class Inbox:
    """An SMTP server's handler: keeps every message it is given."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)  # type: ignore[arg-type]
        return "250 OK"


@pytest.fixture
def smtp(settings) -> Iterator[Inbox]:
    inbox = Inbox()
    with socket.socket() as probe:  # a free port (aiosmtpd checks its own by connecting)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(
        inbox, hostname="127.0.0.1", port=port, server_hostname="localhost", ready_timeout=5
    )
    controller.start()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = port
        settings.EMAIL_TIMEOUT = 5
        settings.SITE_URL = "http://testserver"
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def eager() -> Iterator[None]:
    """Jobs run where they are queued, as a worker would run them."""
    celery_app.conf.task_always_eager = True
    try:
        yield
    finally:
        celery_app.conf.task_always_eager = False


def parts(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None
    assert html is not None
    return text.get_content(), html.get_content()


def links(text: str) -> list[str]:
    return re.findall(r"http://testserver/\S+", text)


def path_of(url: str) -> str:
    return urlsplit(url).path


def test_an_assignment_sends_one_email_with_a_working_link_and_an_unsubscribe_link(
    smtp, eager, editor, django_capture_on_commit_callbacks
):
    ben = UserFactory.create(username="ben", email="ben@example.org", roles=["reviewer"])
    claim = ClaimFactory.create(article__title="Trees in the city")
    with django_capture_on_commit_callbacks(execute=True):
        claim_assign(claim=claim, reviewers=[ben], assigned_by=editor)

    (message,) = smtp.messages
    assert message["To"] == "ben@example.org"
    assert f"assigned you to C{claim.number}" in message["Subject"]
    text, html = parts(message)
    claim_url, *_, unsubscribe_url, unsubscribe_all_url = links(text)
    assert claim_url == f"http://testserver/claims/{claim.pk}/"
    assert f'href="{claim_url}"' in html
    assert message["List-Unsubscribe"].strip() == f"<{unsubscribe_url}>"
    assert Notification.objects.get(recipient=ben).email_state == EmailState.SENT

    signed_in = Client()
    signed_in.force_login(ben)
    assert signed_in.get(path_of(claim_url)).status_code == 200

    anonymous = Client(enforce_csrf_checks=True)
    confirm = anonymous.get(path_of(unsubscribe_url))  # what a mail scanner does: nothing
    assert confirm.status_code == 200
    assert "Stop e-mails about “assigned to a claim”" in confirm.content.decode()
    assert not Preference.objects.filter(user=ben).exists()
    token = confirm.cookies["csrftoken"].value
    done = anonymous.post(
        path_of(unsubscribe_url), {"scope": Kind.ASSIGNED, "csrfmiddlewaretoken": token}
    )
    assert done.status_code == 200
    assert "No more e-mails about" in done.content.decode()
    assert Preference.objects.get(user=ben, kind=Kind.ASSIGNED).delivery == Delivery.OFF
    assert Preference.objects.filter(user=ben).count() == 1

    second = ClaimFactory.create(article=claim.article, start=20, end=30)
    with django_capture_on_commit_callbacks(execute=True):
        claim_assign(claim=second, reviewers=[ben], assigned_by=editor)
    assert len(smtp.messages) == 1  # unsubscribed: in the inbox only
    assert Notification.objects.filter(recipient=ben).count() == 2

    anonymous.post(path_of(unsubscribe_all_url))  # a mail client's one-click POST
    assert set(Preference.objects.filter(user=ben).values_list("delivery", flat=True)) == {
        Delivery.OFF
    }
    assert Preference.objects.filter(user=ben).count() == len(Kind)


def test_digest_mode_sends_one_email_for_several_events(
    smtp, eager, editor, django_capture_on_commit_callbacks
):
    ben = UserFactory.create(username="ben", email="ben@example.org", roles=["reviewer"])
    preferences_set(
        user=ben, deliveries={Kind.ASSIGNED: Delivery.DIGEST, Kind.MENTIONED: Delivery.DIGEST}
    )
    first, second = ClaimFactory.create(), ClaimFactory.create()
    with django_capture_on_commit_callbacks(execute=True):
        claim_assign(claim=first, reviewers=[ben], assigned_by=editor)
    with django_capture_on_commit_callbacks(execute=True):
        claim_assign(claim=second, reviewers=[ben], assigned_by=editor)
    with django_capture_on_commit_callbacks(execute=True):
        comment_create(claim=first, author=editor, body="@ben what about the 2012 date?")
    assert smtp.messages == []

    assert tasks.send_daily_digests.apply().get() == 1
    (digest,) = smtp.messages
    assert digest["To"] == "ben@example.org"
    assert "3 notifications" in digest["Subject"]
    text, html = parts(digest)
    assert text.count("assigned you to") == 2
    assert "what about the 2012 date?" in text
    assert f"http://testserver/claims/{second.pk}/" in text
    assert html.count("<li>") == 3
    assert "/notifications/unsubscribe/" in text

    assert tasks.send_daily_digests.apply().get() == 0  # nothing twice
    assert len(smtp.messages) == 1


def test_a_mail_server_that_is_down_leaves_the_email_waiting_to_be_sent(
    settings, editor, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = 9  # discard: nothing listens
    settings.EMAIL_TIMEOUT = 2
    ben = UserFactory.create(username="ben", email="ben@example.org", roles=["reviewer"])
    with django_capture_on_commit_callbacks(execute=True):
        claim_assign(claim=ClaimFactory.create(), reviewers=[ben], assigned_by=editor)
    notification = Notification.objects.get(recipient=ben)
    with pytest.raises(ConnectionRefusedError):
        tasks.emails.send_instant([notification.pk])
    notification.refresh_from_db()
    assert notification.email_state == EmailState.PENDING

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert tasks.send_notification_emails.apply(args=[[notification.pk]]).get() == 1
    assert tasks.send_notification_emails.apply(args=[[notification.pk]]).get() == 0
    assert len(mail.outbox) == 1


def test_a_reader_who_left_an_address_is_emailed_the_editors_answer_once(
    eager, editor, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "http://testserver"
    claim = ClaimFactory.create(article=ArticleFactory.create(status=ArticleStatus.PUBLISHED))
    publish(claim, editor, Verdict.TRUE)
    report = correction_request_file(
        claim=claim,
        message="The figure was revised.",
        client="192.0.2.1",
        name="Ruth",
        email="ruth@example.org",
    )
    silent = correction_request_file(claim=claim, message="Also the date.", client="192.0.2.2")
    answer = "Thank you: the report was revised, and so is our fact-check."
    for handled in (report, silent):
        with django_capture_on_commit_callbacks(execute=True):
            correction_request_handle(
                correction_request=handled, editor=editor, status="answered", response=answer
            )
    with django_capture_on_commit_callbacks(execute=True):  # the same answer, resolved
        correction_request_handle(correction_request=report, editor=editor, status="resolved")

    (message,) = mail.outbox
    assert isinstance(message, EmailMultiAlternatives)
    assert message.to == ["ruth@example.org"]
    assert "Hello Ruth," in message.body
    assert answer in message.body
    assert f"http://testserver/fact-checks/{claim.pk}/" in message.body
    assert answer in str(message.alternatives[0][0])
