from retour.accounts.roles import Capability
from retour.cases.procedure import Transition
from retour.cases.stages import OPEN_STAGES
from retour.seam import actions

VISIT = Transition(
    "record_welfare_visit", "Record a welfare visit", OPEN_STAGES, None, Capability.DECIDE,
)
actions.declare("case", (VISIT,))
