"""``{% unread_notifications as count %}``: the signed-in user's unread count (one query)."""

from __future__ import annotations

from django import template

from notifications.selectors import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context: template.Context) -> int:
    user = context.get("user")
    if user is None and (request := context.get("request")) is not None:
        user = getattr(request, "user", None)
    return unread_count(user)
