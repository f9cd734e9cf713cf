"""Detention's rows of the return procedure (Directive 2008/115/EC Art. 15), declared on the
case beside the case core's own table."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from retour.accounts.roles import Capability
from retour.cases import guards as case_guards
from retour.cases.procedure import Transition
from retour.cases.stages import OPEN_STAGES, Stage
from retour.detention import guards
from retour.seam import actions

S = Stage

ORDER = Transition(
    "order_detention", gettext_noop("Order detention"),
    frozenset({S.FORCED_RETURN_PREPARATION, S.REMOVAL_SCHEDULED}), None,
    Capability.ORDER_DETENTION, (case_guards.return_decision_in_force, guards.not_detained),
)
END = Transition(
    "end_detention", gettext_noop("End detention"),
    OPEN_STAGES, None, Capability.ORDER_DETENTION, (guards.detained,),
    "a recorded removal ends an open period itself, with a second event",
)
# The end of detention that a recorded removal brings: allowed to whoever may record the
# removal, outside the table because no one chooses it.
ENDED_BY_REMOVAL = Transition(
    "end_detention", gettext_noop("End detention on removal"),
    frozenset({S.DEPARTED}), None, Capability.ENFORCE, (guards.detained,),
)

actions.declare("case", (ORDER, END))
