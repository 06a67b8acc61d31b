"""Which URLs the app fetches: absolute http(s) with a host, of a sane length."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db.models import Model

MAX_URL_LENGTH = 2000
_validate_http_url = URLValidator(schemes=["http", "https"])
URL_RULE = f"Enter an absolute http:// or https:// URL (at most {MAX_URL_LENGTH} characters)."


def is_fetchable_url(url: str) -> bool:
    if not url or len(url) > MAX_URL_LENGTH:
        return False
    try:
        _validate_http_url(url)
    except ValidationError:
        return False
    return True


def clean_web_url(url: str, *, required: bool = True) -> str:
    """A URL a person gave, without the spaces around it; the one rule for all of them."""
    url = url.strip()
    if not (url or required) or is_fetchable_url(url):
        return url
    raise ValidationError({"url": URL_RULE}, code="invalid_url")


def full_clean_with_web_url(instance: Model) -> None:
    """``full_clean``, with an optional URL held to the URL rule, every error reported at once."""
    errors: dict[str, list[str]] = {}
    try:
        instance.url = clean_web_url(instance.url, required=False)  # type: ignore[attr-defined]
    except ValidationError as exc:
        errors = exc.message_dict
    try:
        instance.full_clean(exclude=list(errors))
    except ValidationError as exc:
        errors = {**exc.message_dict, **errors}
    if errors:
        raise ValidationError(errors)


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
