"""A form that fails on an action-only URL sends the browser back to its page, which shows it."""

from __future__ import annotations

from typing import Any

from django.test import Client


def failed_post(client: Client, path: str, data: dict[str, Any], *, page: str) -> str:
    """POST ``data`` to ``path``, check the answer sends the browser to ``page`` and return
    what that page shows then (the form with its errors, in the error summary)."""
    response = client.post(path, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"].split("#")[0] == page
    shown = client.get(response["Location"])
    assert shown.status_code == 200
    html = shown.content.decode()
    assert "data-error-summary" in html
    return html
