"""What the forms' helpers promise: a select written directly reads exactly as Django's
templates write it."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from retour.web.form_support import RetourForm, _select

CHOICES: list[tuple[Any, Any]] = [
    ("", "Any country"),
    ("NL", "Netherlands"),
    ("CI", "Côte d’Ivoire"),
    ('x"<&>\'', 'Quotes " and <tags> & ampersands \''),
    (7, gettext_lazy("Stage")),
    ("safe", mark_safe("<b>kept</b>")),  # a label marked safe is not escaped
]


class _Form(RetourForm):
    one = forms.ChoiceField(choices=CHOICES, required=False)
    required = forms.ChoiceField(choices=CHOICES, help_text="Help")
    several = forms.MultipleChoiceField(choices=CHOICES, required=False)
    nullable = forms.NullBooleanField(required=False)
    grouped = forms.ChoiceField(
        choices=[("Europe", [("NL", "Netherlands")]), ("Africa", [("MA", "Morocco")])],
        required=False,
    )
    disabled = forms.ChoiceField(choices=CHOICES, disabled=True, required=False)


@pytest.mark.parametrize("data", [
    {},
    {"one": "CI", "required": 'x"<&>\'', "several": ["NL", "7"], "nullable": "true",
     "grouped": "MA"},
    {"one": "nonsense", "required": "", "several": ["safe"]},
])
@pytest.mark.parametrize("language", ["en", "nl"])
def test_a_select_reads_as_the_templates_write_it(data, language):
    form = _Form(data or None)
    if data:
        form.is_valid()  # with the errors' attributes
    templates = DjangoTemplates()
    with override(language):
        for name in form.fields:
            field = form[name]
            written = str(field)
            field.form.renderer = templates
            try:
                assert written == str(field), name
            finally:
                field.form.renderer = form.default_renderer


def test_only_what_it_writes_alike_is_written_directly():
    widget = forms.Select(choices=[("Europe", [("NL", "Netherlands")])])
    assert _select(widget.get_context("grouped", "NL", {})["widget"]) is None
    widget = forms.Select(choices=[("1", 1)])
    assert _select(widget.get_context("number", "1", {})["widget"]) is None
    widget = forms.Select(choices=[("1", "one")], attrs={"data-list": ["a"]})
    assert _select(widget.get_context("listed", "1", {})["widget"]) is None
    widget = forms.Select(choices=[("1", "one")])
    assert _select(widget.get_context("plain", "1", {})["widget"]) is not None
