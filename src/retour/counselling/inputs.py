"""What a person gives to refer to reintegration and to record the outcome."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_lazy

from retour.accounts.models import Authority
from retour.cases.actions.inputs import note
from retour.cases.models import ReturnCase
from retour.counselling.models import ReintegrationReferral
from retour.seam.inputs import Input, Text, asked


def counselling_services(case: ReturnCase) -> list[tuple[str, str]]:
    """The return counselling services of the case's member state, by name."""
    found = Authority.objects.filter(
        member_state_id=case.member_state_id, kind=Authority.Kind.COUNSELLING_SERVICE,
    ).order_by("name")
    return [(a.code, a.name) for a in found]


class ReferToReintegration(Input):
    referred_on: date = asked(gettext_lazy("Date of the referral"))
    programme: Text = asked(
        gettext_lazy("Programme"), min_length=1, max_length=200,
        help=gettext_lazy("For example Frontex JRS or the national AVRR programme."),
    )
    counselling_service: Text = asked(
        gettext_lazy("Counselling service"), default="", choices=counselling_services,
        blank=gettext_lazy("None: we counsel the person ourselves"), max_length=40,
        help=gettext_lazy("The service that counsels the person sees the case from now on."),
    )
    reason: Text = note()


class RecordReintegrationOutcome(Input):
    outcome: ReintegrationReferral.Outcome = asked(gettext_lazy("Outcome"))
    outcome_on: date = asked(gettext_lazy("Date of the outcome"))
    note: Text = note()
