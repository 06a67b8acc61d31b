"""The forms' renderer: Django's own, with ``<select>``, ``<input>`` and ``<textarea>``
written out in Python.

Django renders a widget through a template, a select's every option through a template
of its own, and their attributes through another: a claim page's fifteen widgets (the
verdicts, stances and reviewers one may assign among them) cost more than everything
else its forms do. ``FormRenderer`` writes the same markup, byte for
byte, as Django's ``select.html``, ``select_option.html``, ``input.html`` (and the
templates that include it) and ``textarea.html`` would; a widget it does not know how to
write the same way (an option drawn by another template, a label or text that is not a
string) goes through the templates.
"""

from __future__ import annotations

from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.functional import Promise
from django.utils.html import conditional_escape

WIDGETS = "django/forms/widgets/"
SELECT = f"{WIDGETS}select.html"
OPTION = f"{WIDGETS}select_option.html"
TEXTAREA = f"{WIDGETS}textarea.html"
# Each of these is ``{% include "django/forms/widgets/input.html" %}`` (output stripped).
INPUTS = frozenset(
    f"{WIDGETS}{name}.html"
    for name in "text url email number hidden password checkbox date datetime time search".split()
)


class FormRenderer(DjangoTemplates):
    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        written = None
        if template_name == SELECT:
            written = select_html(context["widget"])
        elif template_name in INPUTS:
            written = input_html(context["widget"])
        elif template_name == TEXTAREA:
            written = textarea_html(context["widget"])
        if written is not None:
            return written
        return super().render(template_name, context, request)


def input_html(widget: dict[str, Any]) -> str:
    """The markup ``input.html`` gives ``widget``, as the templates including it give it."""
    value = widget["value"]
    shown = "" if value is None else f' value="{conditional_escape(_text(value))}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"{shown}{_attrs(widget["attrs"])}>'
    )


def textarea_html(widget: dict[str, Any]) -> str | None:
    """The markup ``textarea.html`` gives ``widget``, or None for a value not a string."""
    value = widget["value"]
    if value and not isinstance(value, str | Promise):
        return None
    text = conditional_escape(str(value)) if value else ""
    return (
        f'<textarea name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>\n'
        f"{text}</textarea>"
    )


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
