from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Apply what the passing of time decides, in every app that has time-driven steps: "
        "cases whose voluntary-departure period has ended without departure pass to "
        "forced-return preparation (M8); replies and documents another state owes that are "
        "overdue get a task, and what an agreement says of a silence applies. Run it daily "
        "(cron)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for config in apps.get_app_configs():
            if hasattr(config, "apply_passing_time"):
                self.stdout.write(config.apply_passing_time())
