"""Counselling's rows of the return procedure: referral to reintegration and its outcome,
declared on the case beside the case core's own table."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from retour.accounts.roles import Capability
from retour.cases import guards as case_guards
from retour.cases.procedure import Transition
from retour.cases.stages import OPEN_STAGES, RETURN_DECISION_STAGES, Stage
from retour.counselling import guards
from retour.seam import actions

REFER = Transition(
    "refer_to_reintegration", gettext_noop("Refer to reintegration"),
    RETURN_DECISION_STAGES - {Stage.ABSCONDED}, None, Capability.REFER_REINTEGRATION,
    (case_guards.return_decision_in_force, guards.no_referral_pending),
)
RECORD_OUTCOME = Transition(
    "record_reintegration_outcome", gettext_noop("Record reintegration outcome"),
    OPEN_STAGES, None, Capability.REFER_REINTEGRATION, (guards.referral_pending,),
)

actions.declare("case", (REFER, RECORD_OUTCOME))
