"""What the statistics keep of identification: a row beside the case's milestone row."""

from __future__ import annotations

from typing import Any

from retour.identification.models import IdentificationMilestones
from retour.seam import projections
from retour.seam.projections import Recorded

projections.register(IdentificationMilestones)


@projections.on("identity_document_recorded", IdentificationMilestones)
@projections.on("identity_evidence_recorded", IdentificationMilestones)
def identified(row: IdentificationMilestones, payload: dict[str, Any], event: Recorded) -> None:
    """The first document or evidence that completes the dossier for a country dates the
    identification (``identified_for``)."""
    if payload.get("identified_for") and row.identified_on is None:
        row.identified_on = projections.local_day(event)
