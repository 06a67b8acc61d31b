"""A public web archive's two services, as the Internet Archive's Wayback Machine speaks them.

* Save Page Now: ``GET {save_url}{page_url}`` asks the archive to capture the page. The
  copy's address comes back in ``Content-Location`` (a path on the archive), or as the
  redirect the request ends at.
* Availability: ``GET {availability_url}?url=...&timestamp=YYYYMMDDhhmmss`` answers JSON
  ``{"archived_snapshots": {"closest": {"available": true, "url": ..., "timestamp": ...}}}``,
  or ``{"archived_snapshots": {}}`` when it holds no copy.

Requests go through ``fetching.safe_http`` like any other, so the archive's addresses get
the same checks. No Django here.
"""

from __future__ import annotations

import json
from datetime import datetime
from urllib.parse import urlencode, urljoin, urlsplit

from fetching import safe_http


class ArchiveError(Exception):
    """The archive did not do what was asked; ``transient``: asking later may work."""

    def __init__(self, reason: str, *, transient: bool = False, retry_after: float | None = None):
        super().__init__(reason)
        self.reason = reason
        self.transient = transient
        self.retry_after = retry_after


def wayback_timestamp(when: datetime) -> str:
    return when.strftime("%Y%m%d%H%M%S")


def _get(url: str, policy: safe_http.FetchPolicy) -> safe_http.FetchResponse:
    try:
        response = safe_http.fetch(url, policy=policy)
    except safe_http.FetchError as exc:
        raise ArchiveError(exc.reason, transient=exc.transient) from exc
    code = response.status_code
    if code == 429 or code >= 500:
        raise ArchiveError(
            f"the archive answered HTTP {code}",
            transient=True,
            retry_after=safe_http.retry_after_seconds(response),
        )
    if code >= 400:
        raise ArchiveError(f"the archive answered HTTP {code}")
    return response


def capture(page_url: str, *, save_url: str, policy: safe_http.FetchPolicy) -> str:
    """Ask the archive to capture ``page_url``; the archived copy's URL."""
    request_url = save_url + page_url
    response = _get(request_url, policy)
    if location := response.headers.get("content-location", "").strip():
        return urljoin(response.final_url, location)
    if response.redirects and not response.final_url.startswith(save_url):
        return response.final_url
    raise ArchiveError("the archive's answer names no archived copy")


def closest(
    page_url: str,
    *,
    availability_url: str,
    when: datetime | None,
    policy: safe_http.FetchPolicy,
) -> str | None:
    """The archived copy of ``page_url`` closest to ``when`` (latest without), if any."""
    query = {"url": page_url}
    if when is not None:
        query["timestamp"] = wayback_timestamp(when)
    separator = "&" if urlsplit(availability_url).query else "?"
    response = _get(availability_url + separator + urlencode(query), policy)
    try:
        answer = json.loads(response.body)
        found = answer.get("archived_snapshots", {}).get("closest") or {}
    except (ValueError, AttributeError) as exc:
        raise ArchiveError(f"the archive's answer is not the JSON expected: {exc}") from exc
    url = found.get("url") if isinstance(found, dict) else None
    if not isinstance(url, str) or found.get("available") is False:
        return None
    if urlsplit(url).scheme not in ("http", "https"):
        raise ArchiveError(f"the archive named a copy that is not a web address: {url[:100]}")
    return url
