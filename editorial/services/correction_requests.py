"""Readers' reports of errors on public fact-checks, and the editors' handling of them.

Anyone may file a report, without an account, so filing is limited per client
(``CORRECTION_REQUESTS_PER_CLIENT`` within ``CORRECTION_REQUEST_WINDOW_MINUTES``) with
the sliding windows of ``accounts.ratelimits``, like failed sign-ins. The client's
address is only ever stored as a keyed hash.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from accounts.ratelimits import SlidingWindow, whole_seconds
from claims import events, policies, stamps
from claims.models import Claim
from editorial.models import Correction, CorrectionRequest, CorrectionRequestStatus
from texts.textnorm import clean_text, is_blank

MESSAGE_MIN_CHARS = 10
MESSAGE_MAX_CHARS = 5000
NAME_MAX_CHARS = 200
RESPONSE_MAX_CHARS = 5000


class ReportRefused(Exception):
    """Too many reports from this client lately; ``wait`` seconds until one is accepted."""

    def __init__(self, *, wait: float) -> None:
        self.wait = wait
        self.retry_after = whole_seconds(wait)
        minutes = max(1, math.ceil(wait / 60))
        self.message = (
            f"You have sent several reports in a short time; please try again in {minutes} "
            f"minute{'' if minutes == 1 else 's'}."
        )
        super().__init__(self.message)


def client_hash(address: str) -> str:
    """A keyed hash of the client's address: the same client gives the same value, and
    the address cannot be read back from it."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"correction-request:{address}".encode(), hashlib.sha256).hexdigest()


def _window() -> SlidingWindow:
    period = settings.CORRECTION_REQUEST_WINDOW_MINUTES * 60
    return SlidingWindow(cache=cache, limit=settings.CORRECTION_REQUESTS_PER_CLIENT, period=period)


def _clean_report(message: str, name: str, email: str) -> tuple[str, str, str]:
    message, name, email = clean_text(message).strip(), clean_text(name).strip(), email.strip()
    errors: dict[str, str] = {}
    if is_blank(message):
        errors["message"] = "Say what is wrong on the page."
    elif len(message) < MESSAGE_MIN_CHARS:
        errors["message"] = f"Say a little more: at least {MESSAGE_MIN_CHARS} characters."
    elif len(message) > MESSAGE_MAX_CHARS:
        errors["message"] = (
            f"Keep the report under {MESSAGE_MAX_CHARS} characters (it has {len(message)})."
        )
    if len(name) > NAME_MAX_CHARS:
        errors["name"] = f"A name of at most {NAME_MAX_CHARS} characters, please."
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = "This is not an email address; leave it empty if you prefer."
    if errors:
        raise ValidationError(errors, code="invalid")
    return message, name, email


def correction_request_file(
    *, claim: Claim, message: str, client: str, name: str = "", email: str = ""
) -> CorrectionRequest:
    """File a reader's report of an error on ``claim``'s public page for the editors.

    ``client`` is the reader's address (``accounts.ratelimits.client_address``). Raises
    ``ValidationError`` for a bad report and ``ReportRefused`` past the rate limit."""
    policies.check_report_error(claim)
    message, name, email = _clean_report(message, name, email)
    digest = client_hash(client)
    decision = _window().take(f"correction-request:{digest[:32]}", now=time.time())
    if not decision.allowed:
        raise ReportRefused(wait=decision.wait)
    request = CorrectionRequest.objects.create(
        claim=claim, message=message, name=name, email=email, client_hash=digest
    )
    events.emit(events.correction_requested, correction_request=request)
    return request


def correction_request_check(
    *,
    correction_request: CorrectionRequest,
    editor: Any,
    status: str | None = None,
    response: str | None = None,
    correction: Correction | None = None,
) -> tuple[str, str]:
    """The status and response that handling the report would record, if ``editor`` may;
    otherwise a ``ValidationError`` (or ``PermissionDenied``) that says why not."""
    policies.check_handle_correction_request(editor)
    status = correction_request.status if status is None else status
    if status not in CorrectionRequestStatus.values:
        raise ValidationError(
            {"status": f"{status!r} is not a status; use one of {CorrectionRequestStatus.values}."},
            code="invalid_status",
        )
    response = correction_request.response if response is None else clean_text(response).strip()
    if len(response) > RESPONSE_MAX_CHARS:
        raise ValidationError(
            {"response": f"Keep the response under {RESPONSE_MAX_CHARS} characters."},
            code="too_long",
        )
    if status == CorrectionRequestStatus.ANSWERED and is_blank(response):
        raise ValidationError(
            {"response": "Write the answer to the reader before marking the report answered."},
            code="response_required",
        )
    if correction is not None and correction.claim_id != correction_request.claim_id:
        raise ValidationError(
            {"correction": "This correction is of another claim than the report."},
            code="other_claim",
        )
    return status, response


@transaction.atomic
def correction_request_handle(
    *,
    correction_request: CorrectionRequest,
    editor: Any,
    status: str | None = None,
    response: str | None = None,
    correction: Correction | None = None,
) -> CorrectionRequest:
    """An editor answers, resolves (optionally with a correction), dismisses or reopens a
    report. Answering needs a response; a correction must be of the report's claim."""
    status, response = correction_request_check(
        correction_request=correction_request,
        editor=editor,
        status=status,
        response=response,
        correction=correction,
    )
    answered = not is_blank(response) and response != correction_request.response
    correction_request.status = status
    correction_request.response = response
    if correction is not None:
        correction_request.correction = correction
    if status == CorrectionRequestStatus.OPEN:
        correction_request.handled_by, correction_request.handled_at = None, None
    else:
        correction_request.handled_by = policies.person(editor)
        correction_request.handled_at = timezone.now()
    correction_request.save()
    stamps.claim_changed(correction_request.claim_id)
    if answered:
        events.emit(
            events.correction_request_answered, correction_request=correction_request, actor=editor
        )
    return correction_request
