"""Registering a person, opening a case for them, and recording a vulnerability found later.

The person form collects what ``retour.people.actions.NewPerson`` holds: the name in Latin
script, optionally in the original script, aliases; sex; the date of birth as far as it is
known; place and country of birth; claimed nationalities, languages and vulnerabilities.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retour import display
from retour.accounts.models import Authority
from retour.cases.models import Origin
from retour.people.actions import NameInput, NewPerson
from retour.people.models import Person, PersonName, Sex, Vulnerability
from retour.people.names import guess_script
from retour.reference.models import Country
from retour.web.form_support import (
    CountryChoiceField,
    RetourForm,
    country_choices,
    date_field,
    set_choices,
    text_field,
)

# Scripts a name is commonly written in by the people return authorities meet (ISO 15924).
SCRIPTS = {
    "Arab": gettext_lazy("Arabic"),
    "Cyrl": gettext_lazy("Cyrillic"),
    "Ethi": gettext_lazy("Ethiopic (Ge'ez)"),
    "Geor": gettext_lazy("Georgian"),
    "Armn": gettext_lazy("Armenian"),
    "Deva": gettext_lazy("Devanagari"),
    "Beng": gettext_lazy("Bengali"),
    "Taml": gettext_lazy("Tamil"),
    "Sinh": gettext_lazy("Sinhala"),
    "Hani": gettext_lazy("Chinese characters"),
    "Hebr": gettext_lazy("Hebrew"),
    "Grek": gettext_lazy("Greek"),
}
_SEPARATORS = re.compile(r"[\s,;]+")


class NewPersonForm(RetourForm):
    surname = text_field(gettext_lazy("Surname"), required=True, max_length=200)
    given_names = text_field(gettext_lazy("Given names"), max_length=200)
    original_surname = text_field(gettext_lazy("Surname in the original script"), max_length=200)
    original_given_names = text_field(
        gettext_lazy("Given names in the original script"), max_length=200
    )
    original_script = forms.ChoiceField(
        label=gettext_lazy("Script"), required=False,
        choices=[("", gettext_lazy("Recognise from the name")), *SCRIPTS.items()],
    )
    aliases = text_field(
        gettext_lazy("Aliases"), long=True,
        help_text=gettext_lazy("One alias per line: surname, comma, given names."),
    )
    sex = forms.ChoiceField(
        label=gettext_lazy("Sex"), widget=forms.RadioSelect, choices=Sex.choices
    )
    birth_year = forms.IntegerField(label=gettext_lazy("Year"), required=False)
    birth_month = forms.IntegerField(label=gettext_lazy("Month"), required=False)
    birth_day = forms.IntegerField(label=gettext_lazy("Day"), required=False)
    birth_date_estimated = forms.BooleanField(
        label=gettext_lazy("The date of birth is an estimate"), required=False
    )
    place_of_birth = text_field(gettext_lazy("Place of birth"), max_length=200)
    country_of_birth = CountryChoiceField(label=gettext_lazy("Country of birth"), required=False)
    claimed_nationalities = forms.MultipleChoiceField(
        label=gettext_lazy("Claimed nationalities"), required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=gettext_lazy("Hold Ctrl (or Cmd) to choose more than one."),
    )
    languages = text_field(
        gettext_lazy("Languages"),
        help_text=gettext_lazy("Language codes separated by commas, for example: ar, fa-AF, ti."),
    )
    vulnerabilities = forms.MultipleChoiceField(
        label=gettext_lazy("Vulnerabilities"), required=False,
        widget=forms.CheckboxSelectMultiple, choices=Vulnerability.Kind.choices,
    )
    # Shown only with the persons already registered who may be the same.
    different_person = forms.BooleanField(
        label=gettext_lazy("This is a different person from the ones listed above"),
        required=False,
        help_text=gettext_lazy(
            "The person is then registered, and each pair goes to the review queue of possible "
            "matches, where an officer decides it with a reason. Nothing is merged."),
    )
    checked_against = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        countries = country_choices()
        set_choices(self.fields["country_of_birth"], [("", _("Unknown")), *countries])
        set_choices(self.fields["claimed_nationalities"], countries)
        # The names in the order ``new_person`` lists them, with the field each came from.
        self._name_fields: list[str] = []

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        latin = f"{cleaned.get('surname', '')}{cleaned.get('given_names', '')}"
        if latin.strip() and guess_script(latin) != "Latn":
            self.add_error(
                "surname",
                _("Write the name in Latin script here; the name in its original script has "
                  "its own fields."),
            )
        return cleaned

    def _names(self) -> list[tuple[NameInput, str]]:
        data = self.cleaned_data
        names = [(NameInput(data["surname"], data["given_names"], script="Latn"), "surname")]
        if data["original_surname"] or data["original_given_names"]:
            original = NameInput(
                data["original_surname"], data["original_given_names"],
                script=data["original_script"],
            )
            names.append((original, "original_surname"))
        for line in data["aliases"].splitlines():
            if line.strip():
                surname, _comma, given = line.partition(",")
                alias = NameInput(surname.strip(), given.strip(), kind=PersonName.Kind.ALIAS)
                names.append((alias, "aliases"))
        return names

    def new_person(self) -> NewPerson:
        data = self.cleaned_data
        names = self._names()
        self._name_fields = [field for _name, field in names]
        return NewPerson(
            names=[name for name, _field in names],
            sex=data["sex"],
            birth_year=data["birth_year"],
            birth_month=data["birth_month"],
            birth_day=data["birth_day"],
            birth_date_estimated=data["birth_date_estimated"],
            place_of_birth=data["place_of_birth"],
            country_of_birth=data["country_of_birth"] or None,
            claimed_nationalities=list(data["claimed_nationalities"]),
            languages=[tag for tag in _SEPARATORS.split(data["languages"]) if tag],
            vulnerabilities=list(data["vulnerabilities"]),
        )

    def field_for(self, error_key: str) -> str:
        """The field an ``InvalidInput`` key of ``register_person`` is about: ``names[1].script``
        is the original script's field, ``names`` the surname."""
        found = re.fullmatch(r"names\[(\d+)\](?:\.(\w+))?", error_key)
        if found is None:
            return "surname" if error_key == "names" else error_key
        index, part = int(found[1]), found[2]
        if index >= len(self._name_fields):
            return ""
        field = self._name_fields[index]
        if field == "aliases":
            return field
        original = field == "original_surname"
        if part == "given_names":
            return "original_given_names" if original else "given_names"
        if part == "script":
            return "original_script" if original else "surname"
        return field

    def confirmed_ids(self) -> set[str]:
        """The persons the user has confirmed this one is not (after the warning)."""
        if not self.cleaned_data.get("different_person"):
            return set()
        return set(filter(None, self.cleaned_data["checked_against"].split(",")))


class NewCaseForm(RetourForm):
    origin = forms.ChoiceField(
        label=gettext_lazy("Origin of the case"), widget=forms.RadioSelect,
        choices=Origin.choices,
    )
    origin_member_state = forms.ChoiceField(
        label=gettext_lazy("Member state that issued the return decision"), required=False,
        help_text=gettext_lazy("Only for a return decision of another member state."),
    )
    responsible_authority = forms.ChoiceField(label=gettext_lazy("Responsible authority"))
    reason = text_field(gettext_lazy("Note for the case history"), long=True)

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        member_states = Country.objects.member_states().exclude(code=person.member_state_id)
        by_name = sorted(
            ((c.code, display.country_name(c)) for c in member_states), key=lambda c: c[1]
        )
        set_choices(self.fields["origin_member_state"], [("", _("Not applicable")), *by_name])
        authorities = Authority.objects.filter(member_state_id=person.member_state_id)
        set_choices(
            self.fields["responsible_authority"],
            [(a.code, a.name) for a in authorities.order_by("name")],
        )


class RecordVulnerabilityForm(RetourForm):
    """The arguments of ``retour.cases.actions.record_vulnerability``."""

    kind = forms.ChoiceField(
        label=gettext_lazy("Vulnerability"), widget=forms.RadioSelect,
        choices=Vulnerability.Kind.choices,
    )
    noted_on = date_field(gettext_lazy("Date noted"))
    details = text_field(
        gettext_lazy("What it rests on"), long=True,
        help_text=gettext_lazy("For example a medical report or an age assessment. Kept "
                               "encrypted and shown only to those who give a reason to see "
                               "health information."),
    )
    reason = text_field(
        gettext_lazy("Reason"), long=True,
        help_text=gettext_lazy("Why it is recorded now. Kept in the history of each open "
                               "case: write no health details here."),
    )
