"""The case list's two forms: filters that carry no personal data (sent as GET, so a list can
be bookmarked) and the search by name, case number or date of birth (sent as POST, so no name
or date of birth ends up in a URL, a browser history or a server log)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import Exists, OuterRef
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retour import display
from retour.accounts.models import Authority, User
from retour.cases.models import Origin, ReturnCase
from retour.cases.search import SEARCHABLE_VULNERABILITIES, CaseFilters, partial_date
from retour.cases.stages import Stage
from retour.errors import InvalidInput
from retour.people.models import Vulnerability
from retour.reference.models import Country
from retour.web.form_support import CountryChoiceField, RetourForm, set_choices, text_field

SORT_CHOICES = [
    ("-opened", gettext_lazy("Newest first")),
    ("opened", gettext_lazy("Oldest first")),
    ("number", gettext_lazy("Case number")),
    ("stage", gettext_lazy("Stage in the procedure")),
]
_OVERDUE = {"yes": True, "no": False}


def _any(label: Any, choices: Iterable[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [("", label), *choices]


def _optional(label: Any) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, required=False)


class CaseFilterForm(RetourForm):
    stage = _optional(gettext_lazy("Stage"))
    origin = _optional(gettext_lazy("Origin"))
    citizenship = CountryChoiceField(label=gettext_lazy("Citizenship"), required=False)
    authority = _optional(gettext_lazy("Responsible authority"))
    officer = _optional(gettext_lazy("Assigned officer"))
    overdue = _optional(gettext_lazy("Overdue"))
    vulnerability = _optional(gettext_lazy("Vulnerability"))
    sort = forms.ChoiceField(label=gettext_lazy("Sort"), required=False, choices=SORT_CHOICES)

    def __init__(self, *args: Any, user: User, countries: Iterable[Country], **kwargs: Any):
        super().__init__(*args, **kwargs)
        member_state = user.member_state_code
        authorities = Authority.objects.filter(member_state_id=member_state).order_by("name")
        # Only officers who hold a case: the list stays short and every choice finds something.
        officers = (
            User.objects.filter(authority__member_state_id=member_state)
            .filter(Exists(
                ReturnCase.objects.visible_to(user).filter(assigned_officer=OuterRef("pk"))
            ))
            .order_by("last_name", "first_name", "username")
        )
        third_countries = sorted(
            ((c.code, display.country_name(c)) for c in countries if not c.is_member_state),
            key=lambda choice: choice[1],
        )
        fields = self.fields
        set_choices(fields["stage"], _any(_("Any stage"), Stage.choices))
        set_choices(fields["origin"], _any(_("Any origin"), Origin.choices))
        set_choices(fields["citizenship"], _any(_("Any citizenship"), third_countries))
        set_choices(fields["authority"], _any(
            _("Any authority"), ((a.code, a.name) for a in authorities)
        ))
        set_choices(fields["officer"], _any(
            _("Anyone"), ((u.username, u.get_full_name() or u.username) for u in officers)
        ))
        set_choices(fields["overdue"], _any(
            _("Overdue or not"), [("yes", _("Overdue only")), ("no", _("Not overdue"))]
        ))
        set_choices(fields["vulnerability"], _any(_("Any or none"), [
            (code, label) for code, label in Vulnerability.Kind.choices
            if code in SEARCHABLE_VULNERABILITIES
        ]))

    def filters(self) -> dict[str, Any]:
        """The chosen filters as arguments of ``CaseFilters``."""
        data = self.cleaned_data
        chosen: dict[str, Any] = {
            name: data[name]
            for name in ("stage", "origin", "citizenship", "authority", "officer", "vulnerability")
            if data.get(name)
        }
        if data.get("overdue"):
            chosen["overdue"] = _OVERDUE[data["overdue"]]
        if data.get("sort"):
            chosen["sort"] = data["sort"]
        return chosen


class CaseSearchForm(RetourForm):
    # The words searched for are kept in the access log: held to the text policy (ADR 17).
    q = text_field(
        gettext_lazy("Name or case number"), max_length=200,
        help_text=gettext_lazy("In any script, with or without accents."),
    )
    q.widget.attrs.update({"type": "search", "autocomplete": "off"})
    date_of_birth = forms.CharField(
        label=gettext_lazy("Date of birth"), required=False, max_length=10,
        help_text=gettext_lazy("YYYY, YYYY-MM or YYYY-MM-DD, for example 1994 or 1994-05."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The error slots are always on the page, so a search answered in place (htmx) can
        # fill them without replacing the field the user is typing in.
        for name, field in self.fields.items():
            slot = self[name].auto_id
            field.widget.attrs["aria-describedby"] = f"{slot}_helptext {slot}_error"

    def clean_date_of_birth(self) -> str:
        value: str = self.cleaned_data["date_of_birth"].strip()
        if value:
            try:
                partial_date(value)
            except InvalidInput as refused:
                # The help text gives the format; the refusal says what is wrong with this one.
                raise forms.ValidationError(capfirst(refused.errors["date_of_birth"])) from None
        return value

    def filters(self) -> dict[str, Any]:
        return {name: value for name, value in self.cleaned_data.items() if value}


def case_filters(filter_form: CaseFilterForm, search_form: CaseSearchForm) -> CaseFilters | None:
    """The filters of both forms, or None when one of them has errors (shown by its fields)."""
    valid = [form.is_valid() for form in (filter_form, search_form)]
    if not all(valid):
        return None
    return CaseFilters(**filter_form.filters(), **search_form.filters())
