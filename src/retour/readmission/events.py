"""The event types of readmission requests: each step of a request is one event on its case."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retour import display
from retour.cases.events import CaseChanges
from retour.readmission.models import ReadmissionRequest
from retour.readmission.procedure import STEPS
from retour.seam.events import PERSONAL, declare
from retour.seam.history import COUNTRY, Detail, Names, Shown


class RequestValues(Detail):
    """The request after the step, and what the step set (each step its own dates)."""

    id: int
    reference: str
    country: Annotated[str, COUNTRY]
    status: ReadmissionRequest.Status
    procedure: ReadmissionRequest.Procedure | None = None
    instrument: str | None = None
    instrument_version: int | None = None
    submitted_on: date | None = None
    reply_due_on: date | None = None
    dossier: str | None = None
    evidence: int | None = None
    acknowledged_on: date | None = None
    their_reference: str | None = None
    outcome: str | None = None
    replied_on: date | None = None
    transfer_due_on: date | None = None
    requested_on: date | None = None
    due_on: date | None = None
    kind: str | None = None
    number: Annotated[str | None, PERSONAL] = None
    issued_on: date | None = None
    valid_until: date | None = None
    warnings: list[str] | None = None
    used_on: date | None = None
    expired_on: date | None = None
    overdue: str | None = None
    obstacle: int | None = None

    @classmethod
    def shown(cls, value: Mapping[str, Any], names: Names) -> str:
        parts = [_("%(reference)s to %(country)s: %(status)s") % {
            "reference": value.get("reference", ""),
            "country": names.country(str(value.get("country", ""))),
            "status": display.label(ReadmissionRequest.Status, value.get("status")),
        }]
        for key, words in (
            ("reply_due_on", _("reply due %(date)s")),
            ("due_on", _("due %(date)s")),
            ("transfer_due_on", _("transfer due %(date)s")),
            ("valid_until", _("valid until %(date)s")),
        ):
            if value.get(key):
                parts.append(words % {"date": display.day(value[key])})
        parts.extend(str(w) for w in value.get("warnings") or ())
        return "; ".join(parts)


class RequestStep(CaseChanges):
    readmission_request: Annotated[RequestValues, Shown(gettext_lazy("Readmission request"))]


# The history names each step as the request's page does.
for _step in STEPS:
    declare(_step.action, RequestStep, label=gettext_lazy(_step.case_step.label))
