"""The inbox, e-mail preferences, unsubscribing from an e-mail (no sign-in), and the
people a comment can mention (``notifications`` decides)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from notifications import selectors, services
from notifications.models import Kind
from notifications.tokens import ALL_KINDS, unsubscribe_read
from web import forms
from web.views.common import failed_forms, form_failed, go, reviewer_required

NOTIFICATIONS_PER_PAGE = 50


@require_safe
@reviewer_required
def inbox_page(request: HttpRequest) -> HttpResponse:
    unread = request.GET.get("unread") in ("1", "true")
    notifications = selectors.inbox(user=request.user, unread=unread)
    page = Paginator(notifications, NOTIFICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "web/notifications/inbox.html", {"page": page, "unread": unread})


def _back_to_inbox(request: HttpRequest, message: str) -> HttpResponse:
    messages.success(request, message)
    return go(request, reverse("web:notifications"))


@require_POST
@reviewer_required
def notification_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    notification = get_object_or_404(selectors.inbox(user=request.user), pk=notification_id)
    services.notification_mark_read(notification=notification, user=request.user)
    return _back_to_inbox(request, "Marked read.")


@require_POST
@reviewer_required
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    count = services.notifications_mark_all_read(user=request.user)
    return _back_to_inbox(request, f"{count} marked read." if count else "Nothing was unread.")


@require_http_methods(["GET", "HEAD", "POST"])
@reviewer_required
def preferences_page(request: HttpRequest) -> HttpResponse:
    url = reverse("web:notification-preferences")
    if request.method == "POST":
        form = forms.NotificationPreferencesForm(request.POST)
        if form.is_valid():
            try:
                services.preferences_set(user=request.user, deliveries=form.cleaned_data)
            except ValidationError as exc:
                forms.add_service_error(form, exc)
            else:
                messages.success(request, "Your e-mail settings are saved.")
                return go(request, url)
        return form_failed(request, form, name="preferences_form", url=url)
    failed = failed_forms(request, {"preferences_form": forms.NotificationPreferencesForm})
    form = failed.get("preferences_form") or forms.NotificationPreferencesForm(
        initial=services.preferences_of(request.user)
    )
    return render(request, "web/notifications/preferences.html", {"form": form})


# Mail clients unsubscribe with one POST of their own (RFC 8058), without our CSRF token;
# the signed token in the address is what proves the request.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe_page(request: HttpRequest, token: str) -> HttpResponse:
    try:
        user, kind = unsubscribe_read(token)
    except ValidationError as exc:
        return render(
            request, "web/notifications/unsubscribe.html", {"error": exc.messages[0]}, status=400
        )
    context = {
        "who": user,
        "kind": kind,
        "kind_label": Kind(kind).label if kind != ALL_KINDS else "",
        "token": token,
    }
    if request.method == "POST":
        scope = kind if request.POST.get("scope", kind) != ALL_KINDS else ALL_KINDS
        services.unsubscribe(user=user, kind=scope)
        context["done"] = scope
        context["done_label"] = Kind(scope).label if scope != ALL_KINDS else ""
    return render(request, "web/notifications/unsubscribe.html", context)


@require_safe
@reviewer_required
def mention_options(request: HttpRequest) -> JsonResponse:
    people = selectors.mention_candidates(prefix=request.GET.get("q", "")[:150])
    return JsonResponse({"people": [{"username": p.username, "name": str(p)} for p in people]})
