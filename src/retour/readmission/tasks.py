"""The work a readmission request gives the authority, as kinds of task on the case."""

from retour.cases import tasks
from retour.readmission.models import ReadmissionTask

tasks.register(ReadmissionTask)
