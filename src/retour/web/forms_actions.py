"""The form of a declared action, made from its input schema (``retour.seam.actions``): its
fields, labels, help texts, choices and what it proposes come from the schema, so no action
is written out here. ``form_class`` makes one for any subject on a base that knows the
subject (``CaseActionForm`` here: ``FORMS``, one per business action on a case;
``retour.web.readmission.forms_requests`` for a readmission request's steps).

Each field carries the name of its action function's argument, so the reasons an action
refuses input with (``InvalidInput.errors``) land next to the field they name. The forms
check only what a form can (a date is a date, a required note is there); the law is checked
by the action. A field the schema does not say how to ask (no ``asked``) is given over the
API only.
"""

from __future__ import annotations

import types
from datetime import date
from typing import Any, ClassVar, Literal, TypeVar, Union, get_args, get_origin, overload

from annotated_types import MaxLen, MinLen
from django import forms
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pydantic.fields import FieldInfo

from retour.accounts.models import User
from retour.cases.models import ReturnCase
from retour.seam import actions
from retour.seam.actions import Action
from retour.seam.inputs import COUNTRY_CODE, Ask, Codes, ask_of
from retour.seam.limits import PROCEDURE_YEARS_AHEAD
from retour.web.form_support import CountryChoiceField, RetourForm, date_field, text_field

CHANNEL = "web"
_NOTE = gettext_lazy("Note for the case history")
CHOOSE = gettext_lazy("Choose…")


def note_field(label: Any = _NOTE, *, required: bool = False) -> forms.CharField:
    return text_field(label, required=required, long=True)


class ActionForm(RetourForm):
    """The form of ``action`` (made by ``form_class``): the help and choices that depend on
    what it acts on are those of ``subject``."""

    action: ClassVar[Action]

    def __init__(self, *args: Any, subject: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, info in self.action.input.model_fields.items():  # type: ignore[union-attr]
            ask = ask_of(info)
            field = self.fields.get(name)
            if ask is None or field is None:
                continue
            if callable(ask.help):
                field.help_text = ask.help_for(subject)
            if isinstance(field, forms.ChoiceField):
                field.choices = _choices(info, ask, subject)

    def arguments(self) -> dict[str, Any]:
        """The action's arguments: the fields of its input schema."""
        schema = self.action.input
        assert schema is not None
        return {k: v for k, v in self.cleaned_data.items() if k in schema.model_fields}


class CaseActionForm(ActionForm):
    """A business action on ``case``; ``expected_version`` is the version the user saw."""

    expected_version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, case: ReturnCase, **kwargs: Any) -> None:
        super().__init__(*args, subject=case, **kwargs)
        self.case = case

    @property
    def title(self) -> str:
        return _(self.action.label)

    def submit(self, user: User) -> ReturnCase:
        """Perform the action; raises what the action raises."""
        assert self.action.handler is not None
        case: ReturnCase = self.action.handler(
            user, self.case.pk, **self.arguments(),
            expected_version=self.cleaned_data["expected_version"], channel=CHANNEL,
        )
        return case


def _plain(annotation: Any) -> tuple[Any, bool]:
    """The annotation without ``None`` (and an empty-text literal), and whether it allowed
    an empty value."""
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        empty = len(args) < len(get_args(annotation))
        literal = [a for a in args if get_origin(a) is Literal]
        kept = [a for a in args if a not in literal]
        return (kept[0] if len(kept) == 1 else annotation), empty or bool(literal)
    return annotation, False


def _choices_enum(info: FieldInfo) -> type[models.Choices] | None:
    """The model choices a field takes its codes from: its type, or its ``Codes``."""
    annotation, _empty = _plain(info.annotation)
    if isinstance(annotation, type) and issubclass(annotation, models.Choices):
        return annotation
    codes = next((m for m in info.metadata if isinstance(m, Codes)), None)
    return codes.choices if codes else None


def _starts_at_default(info: FieldInfo, ask: Ask | None) -> bool:
    """Whether a choice has a default it starts at (a code, not nothing) and no words for an
    empty option: the form then offers no empty option and always gives a value."""
    return (not info.is_required() and info.default not in (None, "")
            and (ask is None or ask.blank is None))


def _choices(info: FieldInfo, ask: Ask | None, subject: Any) -> list[tuple[Any, Any]]:
    enum = _choices_enum(info)
    options = list(enum.choices) if enum else (
        ask.choices(subject) if ask and ask.choices else []
    )
    blank = ask.blank if ask else None
    if blank is None and enum is not None and not _starts_at_default(info, ask):
        blank = CHOOSE
    return ([("", blank)] if blank is not None else []) + options


def _length(info: FieldInfo, kind: type[MaxLen] | type[MinLen]) -> int | None:
    for found in info.metadata:
        if isinstance(found, MaxLen) and kind is MaxLen:
            return int(found.max_length)
        if isinstance(found, MinLen) and kind is MinLen:
            return int(found.min_length)
    return None


def form_field(info: FieldInfo) -> forms.Field:
    """The form field that asks for one input field."""
    ask = ask_of(info)
    label = ask.label if ask else None
    help_text = ask.help if ask and not callable(ask.help) else ""
    annotation, empty = _plain(info.annotation)
    # Optional when the schema allows it empty (a default, or None); a blank choice that is
    # only a prompt ("Choose…") keeps the field required.
    required = info.is_required() and not empty
    if annotation is bool:
        return forms.BooleanField(label=label, required=False, help_text=help_text)
    if annotation is date:
        field = date_field(label, required=required, help_text=help_text,
                           years_ahead=ask.years_ahead if ask else PROCEDURE_YEARS_AHEAD)
        field.initial = ask.initial if ask else None
        return field
    has_choices = bool(ask and ask.choices) or _choices_enum(info) is not None
    if annotation is int and has_choices:
        return forms.TypedChoiceField(label=label, coerce=int, empty_value=None,
                                      help_text=help_text)
    if annotation is int:
        # A number with a default is still asked for (the default is its initial value).
        return forms.IntegerField(label=label, help_text=help_text,
                                  initial=None if info.is_required() else info.default)
    if has_choices:
        kind = CountryChoiceField if COUNTRY_CODE in info.metadata else forms.ChoiceField
        if _starts_at_default(info, ask):
            return kind(label=label, help_text=help_text, initial=info.default)
        return kind(label=label, required=required, help_text=help_text)
    minimum = _length(info, MinLen)
    return text_field(
        label, required=bool(minimum) or required,
        long=bool(ask and ask.long), max_length=_length(info, MaxLen), help_text=help_text,
    )


FormT = TypeVar("FormT", bound=ActionForm)


@overload
def form_class(action: Action) -> type[CaseActionForm]: ...
@overload
def form_class(action: Action, base: type[FormT]) -> type[FormT]: ...
def form_class(action: Action, base: type[ActionForm] = CaseActionForm) -> type[ActionForm]:
    """The form of ``action`` on ``base`` (which knows what it acts on): one field per field
    of its input schema that says how it is asked, in the schema's order."""
    assert action.input is not None
    fields = {
        name: form_field(info) for name, info in action.input.model_fields.items()
        if ask_of(info) is not None
    }
    return type(f"{action.input.__name__}Form", (base,),
                {"action": action, **fields, "__module__": __name__})


FORMS: dict[str, type[CaseActionForm]] = {a.name: form_class(a) for a in actions.asked("case")}
