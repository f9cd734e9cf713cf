from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class SeamConfig(AppConfig):
    name = "retour.seam"

    def ready(self) -> None:
        # Every app declares what it plugs in by module name: its event types, its actions
        # (procedure rows and handlers), the projections it keeps and its reactions.
        autodiscover_modules("events", "actions", "projections", "reactions", "panels")
