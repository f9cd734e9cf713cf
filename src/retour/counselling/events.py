"""The event types of return counselling: a referral to reintegration, and its outcome."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any, Literal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retour import display
from retour.cases.events import CaseChanges
from retour.counselling.models import ReintegrationReferral
from retour.seam.events import declare
from retour.seam.history import Detail, Names, Shown


class ReferralValues(Detail):
    """A referral to a reintegration programme as an event records it."""

    id: int
    referred_on: date
    programme: str
    # The counselling service's authority code; absent from referrals before services were named.
    counselling_service: str | None = None
    outcome: ReintegrationReferral.Outcome | Literal[""] = ""
    outcome_on: date | None = None

    @classmethod
    def shown(cls, value: Mapping[str, Any], names: Names) -> str:
        text = _("%(programme)s, referred on %(date)s") % {
            "programme": value.get("programme", ""),
            "date": display.day(value.get("referred_on")),
        }
        if value.get("outcome"):
            text += "; " + _("%(outcome)s on %(date)s") % {
                "outcome": display.label(ReintegrationReferral.Outcome, value["outcome"]),
                "date": display.day(value.get("outcome_on")),
            }
        return text


class ReferralStep(CaseChanges):
    reintegration: Annotated[ReferralValues, Shown(gettext_lazy("Reintegration"))]


declare("refer_to_reintegration", ReferralStep, label=gettext_lazy("Refer to reintegration"))
declare("record_reintegration_outcome", ReferralStep,
        label=gettext_lazy("Record reintegration outcome"))
