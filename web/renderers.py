"""The forms' renderer: Django's own, with ``<select>``, ``<input>``, ``<textarea>`` and
groups of radio buttons and checkboxes written out in Python.

Django renders a widget through a template, a select's every option through a template
of its own, and their attributes through another: a claim page's fifteen widgets (the
verdicts, stances and reviewers one may assign among them) cost more than everything
else its forms do. ``FormRenderer`` writes the same markup, byte for
byte, as Django's ``select.html``, ``select_option.html``, ``input.html`` (and the
templates that include it), ``textarea.html`` and ``multiple_input.html`` (radio buttons
and checkboxes, with ``input_option.html``) would; a widget it does not know how to
write the same way (an option drawn by another template, a label or text that is not a
string) goes through the templates.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.functional import Promise
from django.utils.html import conditional_escape

WIDGETS = "django/forms/widgets/"
SELECT = f"{WIDGETS}select.html"
OPTION = f"{WIDGETS}select_option.html"
OPTIONS = frozenset({OPTION})
TEXTAREA = f"{WIDGETS}textarea.html"
# Each of these is ``{% include "django/forms/widgets/multiple_input.html" %}``, and each
# of its options ``{% include "django/forms/widgets/input_option.html" %}``.
CHOICES = frozenset({f"{WIDGETS}radio.html", f"{WIDGETS}checkbox_select.html"})
CHOICE_OPTIONS = frozenset({f"{WIDGETS}radio_option.html", f"{WIDGETS}checkbox_option.html"})
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
        elif template_name in CHOICES:
            written = choices_html(context["widget"])
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
    options = _grouped(
        widget,
        templates=OPTIONS,
        group=lambda label: f'\n  <optgroup label="{label}">',
        group_end="\n  </optgroup>",
        option=lambda option: (
            f'\n  <option value="{conditional_escape(_text(option["value"]))}"'
            f"{_attrs(option['attrs'])}>{conditional_escape(str(option['label']))}</option>\n"
        ),
    )
    if options is None:
        return None
    opening = f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>'
    return f"{opening}{options}\n</select>"


def choices_html(widget: dict[str, Any]) -> str | None:
    """The markup ``multiple_input.html`` gives ``widget`` (radio buttons or checkboxes),
    or None when it is not one written here the same way."""
    options = _grouped(
        widget,
        templates=CHOICE_OPTIONS,
        group=lambda label: f"\n  <div><label>{label}</label>",
        group_end="\n  </div>",
        option=lambda option: f"<div>\n    {_input_option_html(option)}\n</div>",
    )
    if options is None:
        return None
    attrs = widget["attrs"]
    shown_id, css = attrs.get("id"), attrs.get("class")
    return (
        "<div"
        + (f' id="{conditional_escape(_text(shown_id))}"' if shown_id else "")
        + (f' class="{conditional_escape(_text(css))}"' if css else "")
        + f">{options}\n</div>"
    )


def _grouped(
    widget: dict[str, Any],
    *,
    templates: frozenset[str],
    group: Callable[[str], str],
    group_end: str,
    option: Callable[[dict[str, Any]], str],
) -> str | None:
    """The widget's options, each group's inside its own markup; None when an option is
    drawn by another template, or a label or group name is not text."""
    parts = []
    for group_name, options, _ in widget["optgroups"]:
        if group_name:
            if not isinstance(group_name, str | Promise):
                return None
            parts.append(group(conditional_escape(str(group_name))))
        for each in options:
            if each["template_name"] not in templates or not isinstance(
                each["label"], str | Promise
            ):
                return None
            parts.append(option(each))
        if group_name:
            parts.append(group_end)
    return "".join(parts)


def _input_option_html(option: dict[str, Any]) -> str:
    """``input_option.html`` as included: the option's input, inside its label when it
    wraps one (each template's closing newline kept, as an include keeps it)."""
    field = input_html(option)
    if not option["wrap_label"]:
        return f"{field}\n\n"
    option_id = option["attrs"].get("id")
    label_for = f' for="{conditional_escape(_text(option_id))}"' if option_id else ""
    label = conditional_escape(str(option["label"]))
    return f"<label{label_for}>{field}\n {label}</label>\n"


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
