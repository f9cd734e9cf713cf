"""What a person gives to refer to reintegration and to record the outcome."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_lazy

from retour.cases.actions.inputs import note
from retour.counselling.models import ReintegrationReferral
from retour.seam.inputs import Input, Text, asked


class ReferToReintegration(Input):
    referred_on: date = asked(gettext_lazy("Date of the referral"))
    programme: Text = asked(
        gettext_lazy("Programme"), min_length=1, max_length=200,
        help=gettext_lazy("For example Frontex JRS or the national AVRR programme."),
    )
    reason: Text = note()


class RecordReintegrationOutcome(Input):
    outcome: ReintegrationReferral.Outcome = asked(gettext_lazy("Outcome"))
    outcome_on: date = asked(gettext_lazy("Date of the outcome"))
    note: Text = note()
