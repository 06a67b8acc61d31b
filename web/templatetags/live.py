from __future__ import annotations

from typing import Any

from django import template
from django.template import TemplateDoesNotExist
from django.template.loader import select_template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def include_if_present(context: template.Context, name: str, **extra: Any) -> SafeString:
    """``{% include name %}`` where that template exists; nothing where it does not (a
    part of the site that is not installed)."""
    try:
        found = select_template([name])
    except TemplateDoesNotExist:
        return mark_safe("")
    return mark_safe(found.render(context.flatten() | extra, context.get("request")))
