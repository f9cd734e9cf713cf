"""The event type of the person's cooperation: an act of non-cooperation recorded."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retour import display
from retour.accounts.scoping import Special
from retour.cases.events import CaseChanges
from retour.cooperation.models import NonCooperation
from retour.seam.events import declare
from retour.seam.history import Detail, Names, Shown


class ActValues(Detail):
    """An act of non-cooperation as an event records it (the evidence stays with the act)."""

    id: int
    kind: NonCooperation.Kind
    occurred_on: date
    consequence: NonCooperation.Consequence

    @classmethod
    def shown(cls, value: Mapping[str, Any], names: Names) -> str:
        return _("%(kind)s on %(date)s; consequence: %(consequence)s") % {
            "kind": display.label(NonCooperation.Kind, value.get("kind")),
            "date": display.day(value.get("occurred_on")),
            "consequence": display.label(NonCooperation.Consequence, value.get("consequence")),
        }


class NonCooperationRecorded(CaseChanges):
    non_cooperation: Annotated[ActValues, Shown(gettext_lazy("Non-cooperation"))]


declare("record_non_cooperation", NonCooperationRecorded,
        label=gettext_lazy("Record non-cooperation"), special=Special.NON_COOPERATION)
