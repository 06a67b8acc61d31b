"""Parsers that refuse a body over the size limit before reading it into memory, and
JSON nested deeper than any request of ours needs."""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping
from itertools import accumulate
from typing import Any

from django.conf import settings
from rest_framework import exceptions, parsers
from rest_framework.utils import json

# Our request bodies nest a few levels at most; Python's JSON decoder, and the
# serializers after it, recurse once per level and fail at about a thousand.
MAX_JSON_DEPTH = 64
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")
_DEPTH_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


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


def _text_encoding(parser_context: Mapping[str, Any] | None) -> str:
    encoding = (parser_context or {}).get("encoding") or settings.DEFAULT_CHARSET
    try:
        # Unlike codecs.getreader(), str.encode() refuses bytes-to-bytes codecs
        # such as bz2_codec, which would inflate a small body past the size limit.
        "".encode(encoding)
    except (LookupError, UnicodeError):
        raise exceptions.ParseError(
            f"Unsupported charset {encoding!r} in the Content-Type header."
        ) from None
    return str(encoding)


def json_depth(text: str) -> int:
    """How deeply the arrays and objects of a JSON document nest, without recursing.

    Brackets inside strings do not count. Only an invalid document can make the
    count wrong, and the decoder refuses that document anyway.
    """
    brackets = _NOT_BRACKETS.sub("", _JSON_STRING.sub("", text))
    return max(accumulate(_DEPTH_STEP[char] for char in brackets), default=0)


class LimitedJSONParser(SizeLimitedParser, parsers.JSONParser):
    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        _refuse_large(parser_context)
        encoding = _text_encoding(parser_context)
        try:
            text = codecs.getreader(encoding)(stream).read()
            if json_depth(text) > MAX_JSON_DEPTH:
                raise exceptions.ParseError(
                    f"The JSON is nested more than {MAX_JSON_DEPTH} levels deep.",
                    code="too_deep",
                )
            parse_constant = json.strict_constant if self.strict else None
            return json.loads(text, parse_constant=parse_constant)
        except ValueError as exc:
            raise exceptions.ParseError(f"JSON parse error - {exc}") from None


class LimitedMultiPartParser(SizeLimitedParser, parsers.MultiPartParser):
    pass


class LimitedFormParser(SizeLimitedParser, parsers.FormParser):
    pass
