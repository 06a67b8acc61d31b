"""Parsers that refuse a body over the size limit before reading it into memory."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from rest_framework import exceptions, parsers


class RequestTooLarge(exceptions.APIException):
    status_code = 413
    default_code = "too_large"


def api_max_body_bytes() -> int:
    # JSON escaping and the other fields may make a body larger than the article in it.
    return settings.IMPORT_MAX_BYTES * 2 + 64 * 1024


def _refuse_large(parser_context: Mapping[str, Any] | None) -> None:
    request = (parser_context or {}).get("request")
    if request is None:
        return
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise exceptions.ParseError("The Content-Length header is not a number.") from None
    limit = api_max_body_bytes()
    if length > limit:
        raise RequestTooLarge(
            f"The request body is {length:,} bytes; the limit is {limit:,} bytes."
        )


class SizeLimitedParser(parsers.BaseParser):
    """Refuses a body over the limit (413) before the parser below it reads it."""

    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        _refuse_large(parser_context)
        return super().parse(stream, media_type, parser_context)


class LimitedJSONParser(SizeLimitedParser, parsers.JSONParser):
    pass


class LimitedMultiPartParser(SizeLimitedParser, parsers.MultiPartParser):
    pass


class LimitedFormParser(SizeLimitedParser, parsers.FormParser):
    pass
