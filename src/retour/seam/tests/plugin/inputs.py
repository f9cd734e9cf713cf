from datetime import date

from retour.cases.actions.inputs import note
from retour.seam.inputs import Input, Text, asked


class RecordWelfareVisit(Input):
    visited_on: date = asked("Date of the welfare visit")
    reason: Text = note()
