from datetime import date
from typing import Annotated

from retour.cases.events import CaseChanges
from retour.seam.events import declare
from retour.seam.history import Shown


class WelfareVisited(CaseChanges):
    visited_on: Annotated[date, Shown("Visited on")]


declare("record_welfare_visit", WelfareVisited, label="Welfare visit recorded")
