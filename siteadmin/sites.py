"""The admin site: Django's, with its sign-in limited like every other (``accounts.signin``)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from accounts.forms import SignInForm, refused_signin_status


class AdminSignInForm(SignInForm, AdminAuthenticationForm):
    """The admin's sign-in form (staff accounts only), through ``signin_attempt``."""


class SiteAdmin(admin.AdminSite):
    login_form = AdminSignInForm
    # The side list of every model repeats the index and the breadcrumbs, and takes a fifth
    # of a laptop's screen from the lists' columns.
    enable_nav_sidebar = False

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        response: HttpResponseBase = super().login(request, extra_context)
        context = getattr(response, "context_data", None) or {}
        return refused_signin_status(response, context.get("form"))
