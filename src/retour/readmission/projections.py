"""What the statistics keep of readmission: a row beside the case's milestone row; and an
acceptance dates the identification too."""

from __future__ import annotations

from typing import Any

from retour.identification.models import IdentificationMilestones
from retour.readmission.models import ReadmissionMilestones
from retour.seam import projections
from retour.seam.projections import Recorded

projections.register(ReadmissionMilestones)

_REPLIES = ("record_readmission_reply", "record_tacit_acceptance")


@projections.on("submit_readmission_request", ReadmissionMilestones)
@projections.on("record_readmission_reply", ReadmissionMilestones)
@projections.on("record_tacit_acceptance", ReadmissionMilestones)
@projections.on("record_travel_document", ReadmissionMilestones)
def request(row: ReadmissionMilestones, payload: dict[str, Any], event: Recorded) -> None:
    """The first readmission request of the case, its reply and the first travel document
    (the indicators measure the time to each, M29; Visa Code Art. 25a(2)(c))."""
    values = payload["readmission_request"]
    if event.type == "submit_readmission_request":
        if row.readmission_requested_on is None:
            row.readmission_requested_on = projections.as_date(values.get("submitted_on"))
    elif event.type in _REPLIES:
        if row.readmission_replied_on is None and values.get("replied_on"):
            row.readmission_replied_on = projections.as_date(values["replied_on"])
            row.readmission_outcome = values["status"]
    elif row.travel_document_issued_on is None:
        row.travel_document_issued_on = projections.as_date(values.get("issued_on"))


@projections.on("record_readmission_reply", IdentificationMilestones)
@projections.on("record_tacit_acceptance", IdentificationMilestones)
def accepted(row: IdentificationMilestones, payload: dict[str, Any], event: Recorded) -> None:
    """The requested state accepting its national establishes the identity, if nothing did
    before."""
    values = payload["readmission_request"]
    if values.get("replied_on") and values["status"] != "rejected" and row.identified_on is None:
        row.identified_on = projections.as_date(values["replied_on"])
