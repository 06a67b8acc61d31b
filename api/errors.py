"""One shape for every API error: ``{"detail": ..., "code": ..., "errors": {...}}``.

``detail`` is a sentence a person can act on; ``errors`` maps field names to
their messages for invalid input. Errors that DRF does not know (a domain
``ValidationError`` from a service, a body too large for Django) are turned into
the right 4xx here instead of escaping as a 500.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger(__name__)


def _flatten(detail: Any) -> list[str]:
    if isinstance(detail, dict):
        return [message for value in detail.values() for message in _flatten(value)]
    if isinstance(detail, list):
        return [message for value in detail for message in _flatten(value)]
    return [str(detail)]


def _from_django_validation_error(exc: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(exc, "error_dict"):
        detail: Any = {
            ("non_field_errors" if field == "__all__" else field): messages
            for field, messages in exc.message_dict.items()
        }
    else:
        detail = {"non_field_errors": exc.messages}
    error = exceptions.ValidationError(detail, code=getattr(exc, "code", None) or "invalid")
    error.domain_code = getattr(exc, "code", None)  # type: ignore[attr-defined]
    error.domain_error = exc  # type: ignore[attr-defined]
    return error


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError) and getattr(exc, "code", "") == "file_too_large":
        # The uploaded file is the request's entity, and it is too large.
        exc = exceptions.APIException(exc.messages[0], code="too_large")
        exc.status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    elif isinstance(exc, DjangoValidationError):
        exc = _from_django_validation_error(exc)
    elif isinstance(exc, RequestDataTooBig):
        exc = exceptions.APIException("The request body is too large.", code="too_large")
        exc.status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    elif isinstance(exc, SuspiciousOperation):
        exc = exceptions.ParseError(str(exc) or "The request is malformed.")
    elif isinstance(exc, IntegrityError):
        # A constraint the services check first, broken by a concurrent request.
        logger.warning("API request conflicted with a database constraint: %s", exc)
        exc = exceptions.APIException(
            "The change conflicts with the current data (perhaps a concurrent change); "
            "reload and try again.",
            code="conflict",
        )
        exc.status_code = status.HTTP_409_CONFLICT
    elif isinstance(exc, DataError):
        logger.warning("API request carried a value the database refused: %s", exc)
        exc = exceptions.ParseError(
            "A value is out of range or malformed for the database.", code="invalid"
        )
    elif isinstance(exc, OperationalError | InterfaceError):
        # The connection was lost or refused: a service's transaction was rolled back
        # with it. Close a broken connection so that the next request opens a new one.
        logger.warning("API request could not reach the database: %s", exc)
        connection.close_if_unusable_or_obsolete()
        exc = exceptions.APIException(
            "The database is unavailable; try again shortly.",
            code="unavailable",
        )
        exc.status_code = status.HTTP_503_SERVICE_UNAVAILABLE

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if response.status_code == status.HTTP_503_SERVICE_UNAVAILABLE:
        response["Retry-After"] = "5"
    detail = response.data
    if isinstance(exc, exceptions.ValidationError):
        messages = _flatten(detail)
        body: dict[str, Any] = {
            "detail": "Invalid input: " + " ".join(messages[:3]),
            "code": getattr(exc, "domain_code", None) or "invalid",
            "errors": detail if isinstance(detail, dict) else {"non_field_errors": detail},
        }
        spans = getattr(getattr(exc, "domain_error", None), "spans", None)
        if spans is not None:
            body["occurrences"] = [
                {"start": span.start, "end": span.end, "prefix": span.prefix, "suffix": span.suffix}
                for span in spans
            ]
    else:
        message = detail.get("detail", detail) if isinstance(detail, dict) else detail
        body = {
            "detail": str(message),
            "code": getattr(message, "code", None) or exc.__class__.__name__,
        }
    response.data = body
    return response


def _json_error(request: HttpRequest, status_code: int, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail, "code": str(status_code)}, status=status_code)


def is_api_request(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def api_not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return _json_error(request, 404, f"No API endpoint at {request.path}.")


def api_server_error(request: HttpRequest) -> JsonResponse:
    return _json_error(request, 500, "Something went wrong on our side; it has been logged.")
