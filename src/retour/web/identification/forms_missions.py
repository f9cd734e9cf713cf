"""Identification missions: planning one, choosing the country whose planning list to see,
presenting a person, recording what the country's officials concluded, cancelling one.

The forms collect the arguments of ``retour.identification.missions``; the actions decide.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from retour.identification.missions import NewMission
from retour.identification.models import IdentificationMission, MissionPresentation
from retour.web.form_support import (
    CountryChoiceField,
    RetourForm,
    date_field,
    set_choices,
    text_field,
    third_country_choices,
)
from retour.web.forms_actions import CHOOSE, note_field


class CountryForm(RetourForm):
    """The country whose persons ready to be presented the planning list shows."""

    country = CountryChoiceField(label=gettext_lazy("Country of the delegation"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self.fields["country"], [("", CHOOSE), *third_country_choices()])


class PlanMissionForm(CountryForm):
    """The arguments of ``plan_mission``."""

    kind = forms.ChoiceField(label=gettext_lazy("Kind of mission"))
    starts_on = date_field(gettext_lazy("First day"))
    ends_on = date_field(gettext_lazy("Last day"))
    place = text_field(gettext_lazy("Place"), required=True, max_length=200,
                       help_text=gettext_lazy("Where the interviews take place, for example: "
                                              "detention centre Rotterdam."))
    interpreter_languages = text_field(
        gettext_lazy("Interpreter languages"), max_length=200,
        help_text=gettext_lazy("Language tags separated by spaces or commas, for example: "
                               "ar fa-AF."),
    )
    interpreter = text_field(gettext_lazy("Interpreter"), max_length=200,
                             help_text=gettext_lazy("The interpreter's name or agency."))
    notes = text_field(gettext_lazy("Notes"), long=True)

    field_order = ["country", "kind", "starts_on", "ends_on", "place", "interpreter_languages",
                   "interpreter", "notes"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].label = gettext_lazy("Country")
        set_choices(self.fields["kind"], [("", CHOOSE), *IdentificationMission.Kind.choices])

    def new_mission(self) -> NewMission:
        data = self.cleaned_data
        return NewMission(
            country=data["country"], kind=data["kind"], starts_on=data["starts_on"],
            ends_on=data["ends_on"], place=data["place"],
            interpreter_languages=data["interpreter_languages"].replace(",", " ").split(),
            interpreter=data["interpreter"], notes=data["notes"],
        )


class PresentForm(RetourForm):
    """The arguments of ``present_person``: a case of the planning list brings its person."""

    case = forms.ChoiceField(label=gettext_lazy("Person"))
    availability = forms.ChoiceField(label=gettext_lazy("Availability"))
    reason = note_field()

    def __init__(self, *args: Any, ready: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self.fields["case"], [("", CHOOSE), *ready])
        # Presenting someone says where they are: the planning list's "not recorded"
        # (``missions.UNKNOWN``) is not among the choices.
        set_choices(self.fields["availability"],
                    [("", CHOOSE), *MissionPresentation.Availability.choices])

    @staticmethod
    def field_for(error_key: str) -> str:
        return {"person_id": "case", "case_id": "case"}.get(error_key, error_key)


class OutcomeForm(RetourForm):
    """The arguments of ``record_presentation_outcome``."""

    outcome = forms.ChoiceField(label=gettext_lazy("Outcome"))
    outcome_on = date_field(gettext_lazy("Date of the outcome"))
    notes = text_field(gettext_lazy("Notes"), long=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self.fields["outcome"], [("", CHOOSE), *(
            (code, word) for code, word in MissionPresentation.Outcome.choices
            if code != MissionPresentation.Outcome.PENDING
        )])


class CancelMissionForm(RetourForm):
    """The argument of ``cancel_mission``: why."""

    reason = note_field(gettext_lazy("Why is the mission cancelled?"), required=True)
