"""Recording an identity or travel document of the person of a case.

The form collects what ``retour.identification.actions.NewDocument`` holds. The machine-readable
zone is typed or pasted as it is printed, one line of the zone per line of the text box; the
action reads it (ICAO Doc 9303) and takes the number, issuing state and date of expiry from it
when those fields are left empty.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retour.identification.actions import NewDocument
from retour.identification.models import IdentityDocument
from retour.seam.limits import EARLIEST_BIRTH, VALIDITY_YEARS_AHEAD
from retour.web.form_support import (
    CountryChoiceField,
    RetourForm,
    country_choices,
    date_field,
    set_choices,
    text_field,
)
from retour.web.forms_actions import CHOOSE, note_field


def zone_lines(text: str) -> list[str]:
    """The lines of a zone as typed or pasted; blank lines between them are not lines of it."""
    return [line.strip() for line in text.splitlines() if line.strip()]


class ZoneForm(RetourForm):
    """The zone alone, as the "Read the zone" button sends it."""

    zone = forms.CharField(
        label=gettext_lazy("Machine-readable zone"), required=False, max_length=200,
        help_text=gettext_lazy(
            "The two or three lines of letters, digits and < at the foot of the page with the "
            "photo, one per line, as printed. The number, issuing country and date of expiry "
            "may then stay empty: they are taken from the zone."
        ),
        # A zone is not prose: no spelling fixes, no suggestions from earlier input, and no
        # wrapping, so that each line of the box is one line of the zone.
        widget=forms.Textarea(attrs={
            "rows": 3, "cols": 46, "wrap": "off", "autocomplete": "off", "spellcheck": "false",
            "autocapitalize": "characters",
        }),
    )

    def lines(self) -> list[str]:
        return zone_lines(self.cleaned_data.get("zone", ""))


class RecordDocumentForm(ZoneForm):
    """The arguments of ``retour.identification.actions.record_identity_document``."""

    kind = forms.ChoiceField(label=gettext_lazy("Kind of document"))
    form = forms.ChoiceField(
        label=gettext_lazy("Original or copy"), widget=forms.RadioSelect,
        choices=IdentityDocument.Form.choices,
    )
    number = text_field(gettext_lazy("Document number"), max_length=50)
    issuing_country = CountryChoiceField(label=gettext_lazy("Issuing country"), required=False)
    # A person's documents may be older than the procedure (a birth certificate).
    issued_on = date_field(gettext_lazy("Date of issue"), required=False, since=EARLIEST_BIRTH)
    expires_on = date_field(gettext_lazy("Valid until"), required=False, since=EARLIEST_BIRTH,
                            years_ahead=VALIDITY_YEARS_AHEAD)
    kept_at = text_field(
        gettext_lazy("Where the document is kept"), max_length=200,
        help_text=gettext_lazy("For example: in the case file, or with the police in Rotterdam."),
    )
    # Offered only after the zone was refused because its check digits fail.
    confirm_unverified = forms.BooleanField(
        label=gettext_lazy("Record the zone as unverified"), required=False,
        help_text=gettext_lazy(
            "Only when the zone is typed exactly as printed: the document itself may be "
            "forged or damaged. The document is then marked as unverified."
        ),
    )
    reason = note_field()

    field_order = ["kind", "form", "zone", "confirm_unverified", "number", "issuing_country",
                   "issued_on", "expires_on", "kept_at", "reason"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self.fields["kind"], [("", CHOOSE), *IdentityDocument.Kind.choices])
        set_choices(self.fields["issuing_country"], [("", _("Unknown or from the zone")),
                                                     *country_choices()])

    def new_document(self) -> NewDocument:
        data = self.cleaned_data
        return NewDocument(
            kind=data["kind"], form=data["form"], number=data["number"],
            issuing_country=data["issuing_country"], issued_on=data["issued_on"],
            expires_on=data["expires_on"], kept_at=data["kept_at"], zone=self.lines(),
            confirm_unverified=data["confirm_unverified"],
        )

    @staticmethod
    def field_for(error_key: str) -> str:
        """The field an ``InvalidInput`` key of the action is about: ``zone[1]`` (the second
        line of the zone) is the zone's box."""
        return "zone" if error_key.startswith("zone[") else error_key
