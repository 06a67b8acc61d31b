"""Typed readers for settings that come from the environment.

Every reader fails with ``ImproperlyConfigured`` naming the variable and the
value it got, so a typo in a deployment stops the process at start-up with a
message a person can act on.
"""

from __future__ import annotations

import ipaddress
import math
import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a boolean; use one of true/false, 1/0, yes/no, on/off."
    )


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={raw!r} must be at least {minimum}.")
    return value


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_networks(name: str) -> list[str]:
    """A comma-separated list of IP addresses or networks (``10.0.0.0/8``, ``::1``),
    each in its normal form (a single address as a network of one)."""
    networks = []
    for item in env_list(name):
        try:
            networks.append(str(ipaddress.ip_network(item, strict=False)))
        except ValueError:
            raise ImproperlyConfigured(
                f"{name} entry {item!r} is not an IP address or network; "
                "use addresses or CIDR networks such as 10.0.0.5, 172.16.0.0/12 or ::1."
            ) from None
    return networks


def env_float(
    name: str, default: float, *, minimum: float | None = None, maximum: float | None = None
) -> float:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = float(raw.strip())
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise ImproperlyConfigured(f"{name}={raw!r} is not a number.")
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={raw!r} must be at least {minimum}.")
    if maximum is not None and value > maximum:
        raise ImproperlyConfigured(f"{name}={raw!r} must be at most {maximum}.")
    return value


def env_url(name: str, default: str = "") -> str:
    """An absolute http(s) URL without a trailing slash, or "" when unset."""
    value = env_str(name, default).rstrip("/")
    if not value:
        return ""
    scheme, _, rest = value.partition("://")
    if scheme not in {"http", "https"} or not rest or "?" in rest or "#" in rest or " " in rest:
        raise ImproperlyConfigured(
            f"{name}={value!r} must be an absolute http:// or https:// URL without a query, "
            "e.g. https://factcheck.example.org"
        )
    return value
