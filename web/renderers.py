"""The forms' renderer: Django's own, with ``<select>`` written out in Python.

Django renders a select through a template, and each of its options through a template
of its own, attributes included: a claim page's fifteen selects (verdicts, stances, the
reviewers one may assign) cost more than everything else its forms do. ``FormRenderer``
writes the same markup, byte for byte, as ``django/forms/widgets/select.html`` and
``select_option.html`` would; any select it does not know how to write the same way (an
option drawn by another template, a label that is not text) goes through the templates.
"""

from __future__ import annotations

from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.functional import Promise
from django.utils.html import conditional_escape

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"


class FormRenderer(DjangoTemplates):
    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        if template_name == SELECT:
            written = select_html(context["widget"])
            if written is not None:
                return written
        return super().render(template_name, context, request)


def select_html(widget: dict[str, Any]) -> str | None:
    """The markup ``select.html`` gives ``widget`` (a widget's context), or None when this
    select is not one written here the same way."""
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _ in widget["optgroups"]:
        if group_name:
            if not isinstance(group_name, str | Promise):
                return None
            parts.append(f'\n  <optgroup label="{conditional_escape(str(group_name))}">')
        for option in options:
            label = option["label"]
            if option["template_name"] != OPTION or not isinstance(label, str | Promise):
                return None
            parts.append(
                f'\n  <option value="{conditional_escape(_text(option["value"]))}"'
                f"{_attrs(option['attrs'])}>{conditional_escape(str(label))}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _attrs(attrs: dict[str, Any]) -> str:
    """``attrs.html``: each attribute but those set to False, a True one without a value."""
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{conditional_escape(_text(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


def _text(value: Any) -> Any:
    """``|stringformat:'s'``: the value as text, still safe if it was."""
    return value if hasattr(value, "__html__") else str(value)
