"""The forms' renderer writes each <select> exactly as Django's templates would."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from accounts.models import User
from claims.models import Verdict
from tests.factories import UserFactory
from web.forms import RatingForm
from web.renderers import FormRenderer, select_html

GROUPED = [
    ("", "— choose —"),
    ("Cities", [("ldn", "London & <Paris>"), ("nyc", 'New "York"')]),
    ("rome", "Rome"),
    ("Lazy", [("lazy", gettext_lazy("A lazy label"))]),
]


class Everything(forms.Form):
    plain = forms.ChoiceField(choices=Verdict.choices)
    grouped = forms.ChoiceField(choices=GROUPED, required=False)
    many = forms.MultipleChoiceField(choices=Verdict.choices)
    maybe = forms.NullBooleanField()
    numbers = forms.TypedChoiceField(choices=[(1, "one"), (2, "two")], coerce=int)
    attributes = forms.ChoiceField(
        choices=[("a", mark_safe("<b>safe</b>")), ("b", "b")],
        widget=forms.Select(
            attrs={"data-x": 'q"uote', "hidden": True, "disabled": False, "data-n": 0}
        ),
    )
    people = forms.ModelChoiceField(queryset=User.objects.order_by("pk"), required=False)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        None,
        {
            "plain": "false",
            "grouped": "nyc",
            "many": ["true", "mixed"],
            "maybe": "true",
            "numbers": "2",
            "attributes": "a",
        },
    ],
)
def test_every_select_is_written_as_djangos_templates_write_it(data: Any) -> None:
    UserFactory.create(username="ana <&>")
    UserFactory.create(username="ben")
    form = Everything(data=data)

    written = [(field.as_widget(), _template_widget(field)) for field in form]

    for ours, djangos in written:
        assert ours == djangos
    assert '<optgroup label="Cities">' in written[1][0]
    assert "London &amp; &lt;Paris&gt;" in written[1][0]


def _template_widget(field: Any) -> str:
    """The field's widget as Django's own renderer draws it, from its templates."""
    widget = field.field.widget
    attrs = field.build_widget_attrs({})
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    return widget.render(field.html_name, field.value(), attrs=attrs, renderer=DjangoTemplates())


def test_the_app_renders_its_forms_with_it() -> None:
    form = RatingForm()

    assert isinstance(form.renderer, FormRenderer)
    assert str(form["verdict"]) == _template_widget(form["verdict"])


def test_a_select_it_cannot_write_the_same_way_goes_through_the_templates() -> None:
    field = forms.ChoiceField(choices=[(1, 2024)])  # a label that is not text
    widget = field.widget
    context = widget.get_context("year", None, {})

    assert select_html(context["widget"]) is None
    assert '<option value="1">2024</option>' in widget.render("year", None, renderer=FormRenderer())


class Typed(forms.Form):
    text = forms.CharField(required=False)
    url = forms.URLField(
        required=False, assume_scheme="https", widget=forms.URLInput(attrs={"placeholder": "…"})
    )
    email = forms.EmailField(required=False)
    number = forms.IntegerField(required=False)
    decimal = forms.DecimalField(required=False)
    hidden = forms.CharField(required=False, widget=forms.HiddenInput)
    secret = forms.CharField(required=False, widget=forms.PasswordInput(render_value=True))
    tick = forms.BooleanField(required=False)
    day = forms.DateField(required=False)
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))


@pytest.mark.parametrize(
    "data",
    [
        None,
        {
            "text": 'a "quoted" <b>&amp;</b>',
            "url": "https://example.org/?a=1&b=2",
            "email": "not an address",
            "number": "0",
            "decimal": "1.50",
            "hidden": "",
            "secret": "s'cret",
            "tick": "on",
            "day": "2024-02-30",
            "note": "Line one\n<script>x</script>\n",
        },
    ],
)
def test_every_input_and_textarea_is_written_as_djangos_templates_write_it(data: Any) -> None:
    form = Typed(data=data)

    for field in form:
        assert field.as_widget() == _template_widget(field), field.name


class Choosing(forms.Form):
    one = forms.ChoiceField(choices=Verdict.choices, widget=forms.RadioSelect)
    grouped = forms.ChoiceField(choices=GROUPED, required=False, widget=forms.RadioSelect)
    some = forms.MultipleChoiceField(
        choices=Verdict.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "ticks", "data-x": 'q"'}),
    )
    unnamed = forms.ChoiceField(
        choices=[("a", mark_safe("<b>safe</b>")), ("b", "b & c")],
        widget=forms.RadioSelect(attrs={"id": ""}),
    )


@pytest.mark.parametrize(
    "data", [None, {"one": "false", "grouped": "nyc", "some": ["true", "mixed"], "unnamed": "a"}]
)
def test_every_radio_and_checkbox_group_is_written_as_djangos_templates_write_it(
    data: Any,
) -> None:
    form = Choosing(data=data)

    for field in form:
        assert field.as_widget() == _template_widget(field), field.name
    assert str(form["one"]).count(" checked") == (1 if data else 0)
    assert str(form["some"]).count(" checked") == (2 if data else 0)
