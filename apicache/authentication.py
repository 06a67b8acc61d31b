"""Token authentication that remembers whose token it is while accounts are unchanged."""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.request import Request

from apicache import store
from apicache.version import request_token
from claims import policies

# Everything but the password hash, which has no business in a cache.
_USER_FIELDS = tuple(
    field.attname for field in get_user_model()._meta.concrete_fields if field.name != "password"
)
_TOKEN_FIELDS = tuple(field.attname for field in Token._meta.concrete_fields)


class CachedTokenAuthentication(TokenAuthentication):
    """DRF's ``Authorization: Token <key>`` authentication, with the token's user and
    roles kept in the cache under the data version (``apicache.triggers``): any change to
    a user, a token or a role membership retires every entry at once. A rejected key is
    never cached, so a wrong key costs the same query as before.

    The user comes back as if loaded with ``only()``: the password hash stays in the
    database and is read from there if anything asks for it.
    """

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        self._request = request  # DRF passes only the key on to authenticate_credentials()
        return super().authenticate(request)

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        version = request_token(self._request)
        if version is None:
            return super().authenticate_credentials(key)
        digest = hashlib.blake2b(key.encode(), digest_size=16).hexdigest()
        cache_key = f"apicache:token:{version}:{digest}"
        entry = store.get(cache_key)
        if entry is not None:
            user_values, token_values, roles = entry
            user = get_user_model().from_db(DEFAULT_DB_ALIAS, _USER_FIELDS, user_values)
            policies.remember_role_names(user, roles)
            token = Token.from_db(DEFAULT_DB_ALIAS, _TOKEN_FIELDS, token_values)
            token.user = user
            return user, token
        user, token = super().authenticate_credentials(key)
        entry = (
            [getattr(user, name) for name in _USER_FIELDS],
            [getattr(token, name) for name in _TOKEN_FIELDS],
            sorted(policies.role_names(user)),
        )
        store.put(cache_key, entry)
        return user, token
