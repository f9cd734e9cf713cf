"""What the case core keeps from its events: the milestone row (the main projection, to which
the statistics extract joins every app's rows), and the event log the statistics read to know
which cases changed."""

from retour.cases import milestones
from retour.cases.models import CaseEvent, CaseMilestones
from retour.seam import projections

projections.register(CaseMilestones, main=True)
projections.register_log(CaseEvent)
projections.on(None, CaseMilestones)(milestones.apply)
