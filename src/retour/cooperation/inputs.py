"""What a person gives to record an act of non-cooperation."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_lazy

from retour.cases.actions.inputs import note
from retour.cooperation.models import NonCooperation
from retour.seam.inputs import Input, Text, asked


class RecordNonCooperation(Input):
    kind: NonCooperation.Kind = asked(gettext_lazy("What happened"))
    occurred_on: date = asked(gettext_lazy("Date it happened"))
    evidence: Text = asked(
        gettext_lazy("Evidence"), long=True, min_length=1,
        help=gettext_lazy("What shows it: a report, a witness statement, a document."),
    )
    consequence: NonCooperation.Consequence = asked(gettext_lazy("Consequence"))
    reason: Text = note()
