from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class SeamConfig(AppConfig):
    name = "retour.seam"

    def ready(self) -> None:
        # Every app declares what it plugs in by module name: its event types, its actions
        # (procedure rows and handlers), its kinds of task and of timer (due dates), the
        # projections it keeps, its reactions to other apps' events, its panels on the case
        # page, its outbox subscribers and what brings a case within a role's need to know.
        autodiscover_modules(
            "events", "actions", "tasks", "timers", "projections", "reactions", "panels",
            "subscribers", "reach",
        )
