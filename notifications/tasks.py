"""E-mailing notifications in the background: at once, and the daily digest.

Each task is safe to run twice (``notifications.emails`` sends a notification only
while it waits to be sent, under a row lock) and retries with backoff when the mail
server cannot be reached.
"""

from __future__ import annotations

import random
import smtplib
from datetime import timedelta

from celery import Task, shared_task
from django.db import transaction

from claims.tasks import send
from notifications import emails

# The mail server is down, refuses for now, or does not answer.
MAIL_ERRORS = (smtplib.SMTPException, OSError)
MAX_RETRIES = 8
OVERDUE_AFTER = timedelta(minutes=10)


def _backoff(task: Task) -> float:
    return float(min(2**task.request.retries * 30, 3600) * random.uniform(0.5, 1.0))


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=MAX_RETRIES)
def send_notification_emails(self: Task, ids: list[int]) -> int:
    try:
        return emails.send_instant(ids)
    except MAIL_ERRORS as exc:
        raise self.retry(exc=exc, countdown=_backoff(self)) from exc


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=MAX_RETRIES)
def send_digest(self: Task, user_id: int) -> int:
    try:
        return emails.send_digest(user_id)
    except MAIL_ERRORS as exc:
        raise self.retry(exc=exc, countdown=_backoff(self)) from exc


@shared_task(acks_late=True)
def send_daily_digests() -> int:
    """Beat, daily: one digest job per person with notifications waiting for it."""
    users = emails.digest_recipients()
    for user_id in users:
        send(send_digest, user_id)
    return len(users)


@shared_task(acks_late=True)
def send_overdue_emails() -> int:
    """Beat: e-mails that were to go at once but whose job never reached the broker."""
    ids = emails.overdue_instant(older_than=OVERDUE_AFTER)
    if ids:
        send(send_notification_emails, ids)
    return len(ids)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=MAX_RETRIES)
def send_reader_reply(self: Task, reply_id: int) -> bool:
    try:
        return emails.send_reader_reply(reply_id)
    except MAIL_ERRORS as exc:
        raise self.retry(exc=exc, countdown=_backoff(self)) from exc


def enqueue_reader_reply(reply_id: int) -> None:
    transaction.on_commit(lambda: send(send_reader_reply, reply_id), robust=True)


OVERDUE_WILL_SEND = "the check for overdue e-mails will send them"


def enqueue_emails(ids: list[int]) -> None:
    """E-mail these notifications once the current transaction commits."""
    transaction.on_commit(
        lambda: send(send_notification_emails, ids, unsent=OVERDUE_WILL_SEND),
        robust=True,
    )
