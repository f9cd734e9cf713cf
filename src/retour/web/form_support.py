"""Django forms in the NL Design System's look, and the domain's refusals as form errors.

Django itself links a field to its help text and errors (``aria-describedby``) and marks it
``aria-invalid``; this adds the design system's classes so the page needs no per-field markup
beyond ``web/case/_field.html``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates
from django.forms.widgets import Input
from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.safestring import SafeData, mark_safe

from retour import display
from retour.accounts.models import User
from retour.reference.models import Country
from retour.seam.limits import (
    EARLIEST_PROCEDURE,
    LONG_TEXT,
    PROCEDURE_YEARS_AHEAD,
    SHORT_TEXT,
    date_problem,
    procedure_range,
    text_problem,
    without_bidi_controls,
)

# (widget class, classes it gets, class added when the field is invalid); the first match wins,
# so subclasses come before their bases.
_WIDGET_CLASSES: tuple[tuple[type[forms.Widget], str, str], ...] = (
    (forms.HiddenInput, "", ""),
    (forms.CheckboxSelectMultiple, "utrecht-checkbox utrecht-checkbox--html-input",
     "utrecht-checkbox--invalid"),
    (forms.RadioSelect, "utrecht-radio-button utrecht-radio-button--html-input",
     "utrecht-radio-button--invalid"),
    (forms.CheckboxInput, "utrecht-checkbox utrecht-checkbox--html-input",
     "utrecht-checkbox--invalid"),
    (forms.Textarea, "utrecht-textarea utrecht-textarea--html-textarea",
     "utrecht-textarea--invalid"),
    (forms.Select, "utrecht-select utrecht-select--html-select", "utrecht-select--invalid"),
    (Input, "utrecht-textbox utrecht-textbox--html-input", "utrecht-textbox--invalid"),
)


class DesignSystemBoundField(BoundField):
    def build_widget_attrs(self, attrs: Any, widget: Any = None) -> Any:
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        for widget_class, classes, invalid in _WIDGET_CLASSES:
            if isinstance(widget, widget_class):
                wanted = [attrs.get("class", ""), classes, invalid if self.errors else ""]
                if any(wanted):
                    attrs["class"] = " ".join(c for c in wanted if c)
                break
        # The browser's own checks stay off (a refusal must come from the server, next to the
        # field, in the page's language); assistive technology still hears "required".
        if (
            self.field.required
            and isinstance(widget, (Input, forms.Select, forms.Textarea))
            and not isinstance(widget, (forms.HiddenInput, forms.CheckboxInput))
        ):
            attrs["aria-required"] = "true"
        return attrs

    @property
    def anchor(self) -> str:
        """The id an error summary links to: the field, or the first of its options."""
        if isinstance(self.field.widget, forms.RadioSelect):
            return f"{self.auto_id}_0"
        return str(self.auto_id)


_SELECT = "django/forms/widgets/select.html"
_OPTION = "django/forms/widgets/select_option.html"


def _attributes(attrs: Mapping[str, Any]) -> str | None:
    """``django/forms/widgets/attrs.html``; None for a value it would not render alike."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(format_html(" {}", name))
        elif isinstance(value, str | int) and not isinstance(value, bool):
            parts.append(format_html(' {}="{}"', name, _formatted(value)))
        else:
            return None
    return "".join(parts)


def _formatted(value: Any) -> str:
    """``{{ value|stringformat:'s' }}`` (the filter keeps a safe string safe)."""
    text = "%s" % value  # noqa: UP031 - exactly what the filter does
    return mark_safe(text) if isinstance(value, SafeData) else text  # noqa: S308


def _select(widget: Mapping[str, Any]) -> str | None:
    """A select without option groups, as ``django/forms/widgets/select.html`` renders it,
    written directly: a list of 220 countries took 7 ms through a template per option. None
    for anything else (option groups, labels or attributes that are not plain text), which
    the templates render."""
    attrs = _attributes(widget["attrs"])
    if attrs is None:
        return None
    parts = [format_html('<select name="{}"', widget["name"]), attrs, ">"]
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            return None
        for option in options:
            label = option["label"]
            option_attrs = _attributes(option["attrs"])
            if (
                option_attrs is None or not isinstance(label, str | Promise)
                or option["template_name"] != _OPTION
            ):
                return None
            parts.append(format_html(
                '\n  <option value="{}"{}>{}</option>\n',
                _formatted(option["value"]), mark_safe(option_attrs), label,  # noqa: S308
            ))
    parts.append("\n</select>")
    return "".join(parts)


class _Renderer(DjangoTemplates):
    """Django's renderer, with selects written directly (``_select``)."""

    def render(self, template_name: str, context: Any, request: Any = None) -> str:
        if template_name == _SELECT and (written := _select(context["widget"])) is not None:
            return written
        return str(super().render(template_name, context, request))


class RetourForm(forms.Form):
    bound_field_class = DesignSystemBoundField
    use_required_attribute = False
    default_renderer = _Renderer()


def date_field(
    label: Any, *, required: bool = True, help_text: Any = "",
    years_ahead: int = PROCEDURE_YEARS_AHEAD, since: date = EARLIEST_PROCEDURE,
) -> forms.DateField:
    """A date typed or picked in the browser's date control, exchanged as YYYY-MM-DD, in a
    plausible range: from ``since`` (1990, the procedure's earliest) to ``years_ahead`` years
    after today."""

    def plausible(value: date) -> None:
        earliest, latest = since, procedure_range(years_ahead)[1]
        problem = date_problem(value, earliest=earliest, latest=latest)
        if problem:
            raise ValidationError(problem, code="implausible_date")

    return forms.DateField(
        label=label, required=required, help_text=help_text, input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[plausible],
    )


class _ShownAsStored(forms.Widget):
    """A refused value is shown again without the direction controls, so the box shows the
    characters in the order they were sent, not the order an override made them look; and
    no longer than the field takes, so a page never echoes a megabyte back."""

    def format_value(self, value: Any) -> str | None:
        shown = super().format_value(value)
        if not shown:
            return shown
        most = self.attrs.get("maxlength")
        return without_bidi_controls(shown)[: int(most) if most else None]


class _BoxShownAsStored(_ShownAsStored, forms.Textarea):
    pass


class _LineShownAsStored(_ShownAsStored, forms.TextInput):
    pass


def text_field(
    label: Any, *, required: bool = False, long: bool = False, max_length: int | None = None,
    help_text: Any = "",
) -> forms.CharField:
    """Text held to the text policy (ADR 17): one line unless ``long``, at most ``max_length``
    characters (by default the policy's limit for short or long text)."""
    widget = _BoxShownAsStored(attrs={"rows": 3}) if long else _LineShownAsStored()

    def clean_text(value: str) -> None:
        # The length is Django's own check (max_length), in its words.
        problem = text_problem(value, multiline=long, limit=sys.maxsize)
        if problem:
            raise ValidationError(problem, code="text_policy")

    return forms.CharField(
        label=label, required=required, help_text=help_text, widget=widget,
        max_length=max_length or (LONG_TEXT if long else SHORT_TEXT), validators=[clean_text],
    )


def country_choices(*, but: str | None = None) -> list[tuple[str, str]]:
    """Every country (but ``but``), by its name in the page's language."""
    countries = Country.objects.exclude(code=but) if but else Country.objects.all()
    return sorted(((c.code, display.country_name(c)) for c in countries), key=lambda c: c[1])


def third_country_choices() -> list[tuple[str, str]]:
    """The countries a mission or a readmission request can be addressed to: neither EU nor
    Schengen-associated."""
    return sorted(((c.code, display.country_name(c)) for c in Country.objects.third_countries()),
                  key=lambda c: c[1])


class CountryChoiceField(forms.ChoiceField):
    """A country by its ISO code, in upper or lower case."""

    def to_python(self, value: Any) -> str:
        return str(super().to_python(value)).upper()

    def prepare_value(self, value: Any) -> Any:
        # The code as the options spell it, so a re-shown form keeps the choice selected.
        return value.upper() if isinstance(value, str) else value


def apply_refusal(
    form: forms.Form, errors: Mapping[str, str], field_of: Callable[[str], str] = str
) -> None:
    """Put the reasons of an ``InvalidInput`` next to the fields they name; a reason about
    something the form has no field for goes to the top of the form."""
    for name, reason in errors.items():
        field = field_of(name)
        form.add_error(field if field in form.fields else None, reason)


def set_choices(field: forms.Field, choices: Iterable[tuple[Any, Any]]) -> None:
    """Fill a choice field whose choices depend on the case or the user."""
    cast(forms.ChoiceField, field).choices = list(choices)


def signed_in(request: HttpRequest) -> User:
    """The user of a view behind ``login_required``."""
    return cast(User, request.user)
