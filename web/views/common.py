"""What every page of the reviewers' UI shares: who may see it, and how forms fail."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django_htmx.http import HttpResponseClientRedirect

from claims import policies

View = Callable[..., HttpResponse]


def is_htmx(request: HttpRequest) -> bool:
    """Sent by HTMX (set by django-htmx's middleware)."""
    return bool(getattr(request, "htmx", False))


def reviewer_required(view: View) -> View:
    """Signed-in reviewers and editors only: others are sent to sign in, or get a 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            if is_htmx(request):
                return HttpResponseClientRedirect(resolve_url("login"))
            return redirect_to_login(request.get_full_path())
        if not policies.is_reviewer(request.user):
            raise PermissionDenied("Only reviewers and editors may use this page.")
        return view(request, *args, **kwargs)

    return wrapper


def go(request: HttpRequest, url: str) -> HttpResponse:
    """After a successful POST: a redirect, or for HTMX a full navigation to ``url``."""
    if is_htmx(request):
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)
