"""``/healthz``: is this process able to reach its database and its broker?

Load balancers and ``docker-compose`` call it every few seconds, so each check
makes one attempt with a short timeout and never retries.
"""

from __future__ import annotations

import logging
import os

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from factcheck.celery import app as celery_app

logger = logging.getLogger(__name__)

BROKER_TIMEOUT_SECONDS = 2.0


def database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means "down"; the reason is logged
        logger.warning("healthz: database unreachable", extra={"error": str(exc)})
        return "down"
    return "ok"


def broker_state() -> str:
    # Redis ignores connect_timeout and waits forever on a silent socket unless
    # given its own timeouts; other transports ignore these options.
    timeouts = {
        "socket_connect_timeout": BROKER_TIMEOUT_SECONDS,
        "socket_timeout": BROKER_TIMEOUT_SECONDS,
    }
    try:
        with celery_app.connection_for_write(
            connect_timeout=BROKER_TIMEOUT_SECONDS, transport_options=timeouts
        ) as conn:
            conn.ensure_connection(max_retries=0)
            if conn.transport.driver_type == "filesystem":
                _check_filesystem_broker(conn.transport_options)
    except Exception as exc:
        logger.warning("healthz: broker unreachable", extra={"error": str(exc)})
        return "down"
    return "ok"


def _check_filesystem_broker(options: dict[str, object]) -> None:
    """The filesystem "connection" always succeeds; what can fail is the folder."""
    folder = str(options.get("data_folder_out") or "")
    if not folder or not os.access(folder, os.W_OK | os.X_OK):
        raise OSError(f"broker folder {folder!r} is missing or not writable")


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": database_state(), "broker": broker_state()}
    healthy = all(state == "ok" for state in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "down", **checks}, status=200 if healthy else 503
    )
