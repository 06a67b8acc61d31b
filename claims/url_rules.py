"""Which URLs the app fetches: absolute http(s) with a host, of a sane length."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

MAX_URL_LENGTH = 2000
_validate_http_url = URLValidator(schemes=["http", "https"])


def is_fetchable_url(url: str) -> bool:
    if not url or len(url) > MAX_URL_LENGTH:
        return False
    try:
        _validate_http_url(url)
    except ValidationError:
        return False
    return True


def fetchable_url_for(href: str, *, base_url: str = "") -> str:
    """The absolute http(s) URL an href points to, or "" when it cannot be fetched.

    ``#``, empty, ``javascript:``, ``mailto:`` and other non-web schemes give "";
    a relative href gives "" unless the article has a URL to resolve it against.
    """
    href = href.strip()
    if not href or href.startswith("#"):
        return ""
    scheme = urlsplit(href).scheme.lower()
    if scheme in {"http", "https"}:
        candidate = href
    elif scheme:
        return ""
    elif base_url and is_fetchable_url(base_url):
        candidate = urljoin(base_url, href)
    elif href.startswith("//"):
        candidate = "https:" + href
    else:
        return ""
    candidate = candidate.split("#", 1)[0]
    return candidate if is_fetchable_url(candidate) else ""
