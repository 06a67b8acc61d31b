"""The sign-in form of the reviewers' UI and of the admin, limited by ``accounts.signin``."""

from __future__ import annotations

from typing import Any, TypeVar

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.http.response import HttpResponseBase

from accounts.signin import SignInRefused, signin_attempt

Response = TypeVar("Response", bound=HttpResponseBase)


class SignInForm(AuthenticationForm):
    """Django's sign-in form, signing in through ``signin_attempt``. A refused attempt is
    a form error, and ``refusal`` says why."""

    refusal: SignInRefused | None = None

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            try:
                self.user_cache = signin_attempt(
                    request=self.request, username=username, password=password
                )
            except SignInRefused as refusal:
                self.refusal = refusal
                raise forms.ValidationError(refusal.message, code="too_many_failures") from None
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


def refused_signin_status(response: Response, form: Any) -> Response:
    """``response`` to a sign-in ``form`` that was posted, as a 429 with ``Retry-After``
    if the attempt was refused for too many failures."""
    refusal = getattr(form, "refusal", None)
    if isinstance(refusal, SignInRefused):
        response.status_code = 429
        response["Retry-After"] = str(refusal.retry_after)
    return response
