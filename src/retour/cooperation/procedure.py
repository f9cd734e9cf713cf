"""The row of the return procedure for recording non-cooperation (BRIEF M10), declared on the
case beside the case core's own table."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from retour.accounts.roles import Capability
from retour.cases.procedure import Transition
from retour.cases.stages import OPEN_STAGES
from retour.seam import actions

RECORD = Transition(
    "record_non_cooperation", gettext_noop("Record non-cooperation"),
    OPEN_STAGES, None, Capability.IDENTIFY,
)

actions.declare("case", (RECORD,))
