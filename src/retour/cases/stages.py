"""The stages of the return procedure (the transitions are in ``retour.cases.procedure``)."""

from django.db import models


class Stage(models.TextChoices):
    REGISTERED = "registered", "registered"
    LEGAL_STAY_ENDED = "legal_stay_ended", "legal stay ended"
    VOLUNTARY_DEPARTURE = "voluntary_departure", "voluntary-departure period"
    FORCED_RETURN_PREPARATION = "forced_return_preparation", "forced-return preparation"
    REMOVAL_SCHEDULED = "removal_scheduled", "removal scheduled"
    DEPARTED = "departed", "departed"
    SUSPENDED = "suspended", "suspended"
    ABSCONDED = "absconded", "absconded"
    CLOSED = "closed", "closed"


OPEN_STAGES = frozenset(s for s in Stage if s != Stage.CLOSED)
# Stages in which an enforceable return decision exists.
RETURN_DECISION_STAGES = frozenset(
    {
        Stage.VOLUNTARY_DEPARTURE,
        Stage.FORCED_RETURN_PREPARATION,
        Stage.REMOVAL_SCHEDULED,
        Stage.SUSPENDED,
        Stage.ABSCONDED,
    }
)
