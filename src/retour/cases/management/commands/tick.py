from typing import Any

from django.core.management.base import BaseCommand

from retour.cases.actions import expire_due_voluntary_departures


class Command(BaseCommand):
    help = (
        "Apply what the passing of time decides: cases whose voluntary-departure period has "
        "ended without departure pass to forced-return preparation (M8). Run it daily (cron)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = expire_due_voluntary_departures()
        self.stdout.write(f"{count} voluntary-departure period(s) ended without departure")
