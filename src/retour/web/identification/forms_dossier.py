"""The identification dossier's choice of country, and recording identity evidence other than a
document (interviews, language analysis, the identity declared, a biometric reference, a
witness statement).

The evidence form collects what ``retour.identification.actions.NewEvidence`` holds; the action
decides. Biometric data are recorded by their reference in the national biometric system,
date and quality only: the form has no place for images (GDPR Art. 9).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retour.identification.actions import NewEvidence
from retour.identification.models import IdentityEvidence
from retour.web.form_support import (
    CountryChoiceField,
    RetourForm,
    country_choices,
    date_field,
    set_choices,
    text_field,
)
from retour.web.forms_actions import CHOOSE, note_field


class DossierCountryForm(RetourForm):
    """Another country of return to evaluate the dossier for."""

    country = CountryChoiceField(label=gettext_lazy("Country of return"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self.fields["country"], [("", CHOOSE), *country_choices()])


class RecordEvidenceForm(RetourForm):
    """The arguments of ``retour.identification.actions.record_identity_evidence``."""

    kind = forms.ChoiceField(
        label=gettext_lazy("Kind of evidence"), widget=forms.RadioSelect,
        choices=IdentityEvidence.Kind.choices,
    )
    taken_on = date_field(gettext_lazy("Date"), help_text=gettext_lazy(
        "When the interview was held, the analysis made, the statement given or the biometric "
        "data taken."))
    nationality = CountryChoiceField(
        label=gettext_lazy("Nationality it points to"), required=False,
        help_text=gettext_lazy("The nationality this evidence shows or suggests, if any."),
    )
    reference = text_field(
        gettext_lazy("Reference"), max_length=100,
        help_text=gettext_lazy(
            "Where the evidence is kept, for example the report number. For biometric data: "
            "the reference in the national biometric system; no images are kept in Retour."),
    )
    quality = forms.ChoiceField(
        label=gettext_lazy("Quality"), required=False, widget=forms.RadioSelect,
        choices=IdentityEvidence.Quality.choices,
        help_text=gettext_lazy("For biometric data or a language analysis: how usable it is."),
    )
    summary = text_field(gettext_lazy("Summary"), long=True, help_text=gettext_lazy(
        "What the evidence says about who the person is and of which country."))
    reason = note_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self.fields["nationality"], [("", _("None or not known")),
                                                 *country_choices()])

    def new_evidence(self) -> NewEvidence:
        data = self.cleaned_data
        return NewEvidence(
            kind=data["kind"], taken_on=data["taken_on"], nationality=data["nationality"],
            reference=data["reference"], quality=data["quality"], summary=data["summary"],
        )
