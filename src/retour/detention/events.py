"""The event types of detention: a period ordered, a period ended."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any, Literal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retour import display
from retour.accounts.scoping import Special
from retour.cases.events import CaseChanges
from retour.detention.models import DetentionPeriod
from retour.seam.events import PERSONAL, declare
from retour.seam.history import AUTHORITY_CODE, Detail, Names, Shown


class PeriodValues(Detail):
    """A detention period as an event records it."""

    id: int
    ordered_on: date
    ordered_by: Annotated[str, AUTHORITY_CODE]
    ground: DetentionPeriod.Ground
    # Where a person is held says where to find them.
    facility: Annotated[str, PERSONAL]
    ended_on: date | None = None
    end_reason: DetentionPeriod.EndReason | Literal[""] = ""

    @classmethod
    def shown(cls, value: Mapping[str, Any], names: Names) -> str:
        text = _("from %(date)s at %(facility)s; ground: %(ground)s") % {
            "date": display.day(value.get("ordered_on")),
            "facility": value.get("facility", ""),
            "ground": display.label(DetentionPeriod.Ground, value.get("ground")),
        }
        if value.get("ended_on"):
            text += "; " + _("ended on %(date)s: %(reason)s") % {
                "date": display.day(value["ended_on"]),
                "reason": display.label(DetentionPeriod.EndReason, value.get("end_reason")),
            }
        return text


class DetentionStep(CaseChanges):
    detention: Annotated[PeriodValues, Shown(gettext_lazy("Detention"))]


declare("order_detention", DetentionStep, label=gettext_lazy("Order detention"),
        special=Special.DETENTION)
declare("end_detention", DetentionStep, label=gettext_lazy("End detention"),
        special=Special.DETENTION)
