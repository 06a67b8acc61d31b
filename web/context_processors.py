"""Template variables every page may use."""

from __future__ import annotations

from django.http import HttpRequest

from editorial.claimreview import organization


def site(request: HttpRequest) -> dict[str, str]:
    """The name and home page of whoever publishes the fact-checks, for the public header."""
    publisher = organization()
    return {"site_name": publisher["name"], "site_url": publisher.get("url", "")}
