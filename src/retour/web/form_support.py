"""Django forms in the NL Design System's look, and the domain's refusals as form errors.

Django itself links a field to its help text and errors (``aria-describedby``) and marks it
``aria-invalid``; this adds the design system's classes so the page needs no per-field markup
beyond ``web/case/_field.html``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, cast

from django import forms
from django.forms.boundfield import BoundField
from django.forms.widgets import Input
from django.http import HttpRequest

from retour import display
from retour.accounts.models import User
from retour.reference.models import Country

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


class RetourForm(forms.Form):
    bound_field_class = DesignSystemBoundField
    use_required_attribute = False


def date_field(label: Any, *, required: bool = True, help_text: Any = "") -> forms.DateField:
    """A date typed or picked in the browser's date control, exchanged as YYYY-MM-DD."""
    return forms.DateField(
        label=label, required=required, help_text=help_text, input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def text_field(
    label: Any, *, required: bool = False, long: bool = False, max_length: int | None = None,
    help_text: Any = "",
) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": 3}) if long else forms.TextInput()
    return forms.CharField(
        label=label, required=required, max_length=max_length, help_text=help_text,
        widget=widget,
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
