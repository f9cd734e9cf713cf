from typing import Any

from django.core.management.base import BaseCommand

from retour.cases import timers


class Command(BaseCommand):
    help = (
        "Apply what the passing of time decides, once a day (cron): every open timer past its "
        "due date is handed to what its kind does then. Cases whose voluntary-departure "
        "period has ended without departure pass to forced-return preparation (M8); replies "
        "and documents another state owes that are overdue get a task, and what an agreement "
        "says of a silence applies. Running it twice the same day changes nothing the second "
        "time."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        done = timers.tick()
        for timer, refusal in done.refused:
            self.stderr.write(
                f"{timer.case.number}: {timers.label(timer.kind)} due {timer.due_on}: {refusal}"
            )
        for line in done.lines():
            self.stdout.write(line)
