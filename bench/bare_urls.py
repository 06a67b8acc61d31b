"""The app's URLs plus the bench's baseline: a bare Django view that returns fixed bytes.

Only ``bench/api_bench.py`` and ``bench/load_bench.py`` serve this (through a settings module
they write into their temp directory); the production URLs never include it. The bytes are
the API's own claims page (or the reader's page, with ``API_BENCH_CONTENT_TYPE``), saved by
the bench in the file named by ``API_BENCH_BODY`` before the first request here.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from django.http import HttpRequest, HttpResponse
from django.urls import path

from factcheck.urls import handler404, handler500
from factcheck.urls import urlpatterns as app_urlpatterns

__all__ = ["handler404", "handler500", "urlpatterns"]


@cache
def body() -> bytes:
    return Path(os.environ["API_BENCH_BODY"]).read_bytes()


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(
        body(), content_type=os.environ.get("API_BENCH_CONTENT_TYPE", "application/json")
    )


urlpatterns = [path("bench/bare/", bare), *app_urlpatterns]
