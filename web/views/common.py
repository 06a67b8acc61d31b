"""What every page of the reviewers' UI shares: who may see it, and how forms fail."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
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


# --- Forms that fail: POST, redirect, GET ------------------------------------------------
#
# A form posted to an action-only URL (``/claims/1/rating/``) that failed is not rendered at
# that URL: reloading it would answer 405. Its input and errors are kept in the session and
# the browser goes back to the page the form lives on, which binds the form again from
# them and shows it with its errors (once: a reload shows the page afresh).

FAILED_FORMS_KEY = "web:failed_forms"
UNKEPT_FIELDS = ("csrfmiddlewaretoken",)

FormBuilder = Callable[[QueryDict], forms.BaseForm]


def error_summary_id(form: forms.BaseForm) -> str:
    """The id of the form's error summary (templates/web/_form_errors.html)."""
    return f"{getattr(form, 'id_prefix', '') or 'form'}-errors"


def form_failed(
    request: HttpRequest,
    form: forms.BaseForm,
    *,
    name: str,
    url: str,
    context: Mapping[str, str] | None = None,
) -> HttpResponse:
    """After a POST whose ``form`` (bound to ``request.POST``) has errors: keep what was sent
    and the errors under ``name`` for the page at ``url`` and go there; the page reads them
    back with ``failed_forms``. ``context``: values the page needs to tell which of its
    forms this was (e.g. the id of the item the form is about), kept with the input.
    The address ends in the error summary's id, so the browser scrolls to it and focuses
    it (``tabindex="-1"``), with or without app.js."""
    kept = dict(request.session.get(FAILED_FORMS_KEY, {}))
    data = {key: values for key, values in request.POST.lists() if key not in UNKEPT_FIELDS}
    data.update({key: [value] for key, value in (context or {}).items()})
    kept[name] = {
        "path": urlsplit(url).path,
        "data": data,
        "errors": form.errors.get_json_data(),
    }
    request.session[FAILED_FORMS_KEY] = kept
    return go(request, f"{urlsplit(url)._replace(fragment='').geturl()}#{error_summary_id(form)}")


def failed_forms(request: HttpRequest, builders: Mapping[str, FormBuilder]) -> dict[str, Any]:
    """The forms of this page that failed on the POST that sent the browser here, by name:
    each built by ``builders[name]`` from the input kept, carrying the errors it had.

    They are taken out of the session, so the next visit shows empty forms."""
    kept: dict[str, Any] = request.session.get(FAILED_FORMS_KEY) or {}
    mine = {
        name: entry
        for name, entry in kept.items()
        if name in builders and entry.get("path") == request.path
    }
    if not mine:
        return {}
    request.session[FAILED_FORMS_KEY] = {n: e for n, e in kept.items() if n not in mine}
    return {name: _rebound(builders[name], entry) for name, entry in mine.items()}


def _rebound(build: FormBuilder, entry: dict[str, Any]) -> forms.BaseForm:
    data = QueryDict(mutable=True)
    for key, values in entry["data"].items():
        data.setlist(key, values)
    form = build(data)
    # The errors are the ones the POST had, service errors included: the form is not
    # validated again (what was refused then might pass or fail differently now).
    form._errors = ErrorDict()  # type: ignore[attr-defined]
    form.cleaned_data = {}
    for field, errors in entry["errors"].items():
        target = field if field in form.fields else None
        form.add_error(target, [ValidationError(e["message"], code=e["code"]) for e in errors])
    return form
