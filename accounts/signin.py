"""Signing in with a username and password, with a limit on failed attempts.

The reviewers' sign-in page, the admin's and the API's token endpoint all sign in through
``signin_attempt``. Failures are counted per account and per client address
(``SIGNIN_MAX_FAILURES_PER_ACCOUNT`` / ``_PER_ADDRESS`` within
``SIGNIN_FAILURE_WINDOW_MINUTES``); past either limit, attempts are refused without
looking at the password, so guessing on stops paying even with the right one. A
successful sign-in forgets the account's failures.
"""

from __future__ import annotations

import hashlib
import math
import time
from typing import Any, Literal, cast

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.cache import cache

from accounts.models import User
from accounts.ratelimits import SlidingWindow, client_address, whole_seconds


class SignInRefused(Exception):
    """Too many failed sign-ins for the account or from the address; ``wait`` seconds
    until an attempt is looked at again."""

    def __init__(self, *, by: Literal["account", "address"], wait: float) -> None:
        self.by = by
        self.wait = wait
        self.retry_after = whole_seconds(wait)
        minutes = max(1, math.ceil(wait / 60))
        whose = "for this account" if by == "account" else "from your network address"
        self.message = (
            f"Too many failed sign-ins {whose}; try again in {minutes} "
            f"minute{'' if minutes == 1 else 's'}. Until then even the right password "
            "is refused."
        )
        super().__init__(self.message)


def _windows() -> tuple[SlidingWindow, SlidingWindow]:
    period = settings.SIGNIN_FAILURE_WINDOW_MINUTES * 60
    return (
        SlidingWindow(cache=cache, limit=settings.SIGNIN_MAX_FAILURES_PER_ACCOUNT, period=period),
        SlidingWindow(cache=cache, limit=settings.SIGNIN_MAX_FAILURES_PER_ADDRESS, period=period),
    )


def _account_key(username: str) -> str:
    # Hashed: a username may be longer than, or hold characters that, a cache key may not.
    digest = hashlib.sha256(username.encode()).hexdigest()[:32]
    return f"signin:account:{digest}"


def signin_attempt(*, request: Any, username: str, password: str) -> User | None:
    """The user that ``username`` and ``password`` sign in, or None if they are wrong (or
    the account is inactive).

    Raises ``SignInRefused``, without checking the password, while the account or the
    client address is over its limit of failures.
    """
    now = time.time()
    by_account, by_address = _windows()
    account_key = _account_key(username)
    address_key = f"signin:address:{client_address(request)}"
    # Each attempt takes a slot before the password is checked, so concurrent guesses
    # cannot all pass the limit together; a success hands its slots back.
    account = by_account.take(account_key, now=now)
    if not account.allowed:
        raise SignInRefused(by="account", wait=account.wait)
    address = by_address.take(address_key, now=now)
    if not address.allowed:
        by_account.give_back(account)
        raise SignInRefused(by="address", wait=address.wait)
    # The backend (ModelBackend) returns AUTH_USER_MODEL's users.
    user = cast(User | None, authenticate(request, username=username, password=password))
    if user is not None:
        by_account.reset(account_key, now=now)
        by_address.give_back(address)
    return user
