from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Apply what the passing of time decides: cases whose voluntary-departure period has "
        "ended without departure pass to forced-return preparation (M8); readmission replies "
        "not given in time count as accepted where the instrument says so, overdue requests "
        "get a task, unused travel documents expire. Run it daily (cron)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for config in apps.get_app_configs():
            if hasattr(config, "apply_passing_time"):
                self.stdout.write(config.apply_passing_time())
