"""The stages of the return procedure (the transitions are in ``retour.cases.procedure``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    REGISTERED = "registered", _("registered")
    LEGAL_STAY_ENDED = "legal_stay_ended", _("legal stay ended")
    VOLUNTARY_DEPARTURE = "voluntary_departure", _("voluntary-departure period")
    FORCED_RETURN_PREPARATION = "forced_return_preparation", _("forced-return preparation")
    REMOVAL_SCHEDULED = "removal_scheduled", _("removal scheduled")
    DEPARTED = "departed", _("departed")
    SUSPENDED = "suspended", _("suspended")
    ABSCONDED = "absconded", _("absconded")
    CLOSED = "closed", _("closed")


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
