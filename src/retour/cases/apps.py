from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "retour.cases"

    def apply_passing_time(self) -> str:
        """What ``retour tick`` does for this app (each app that has time-driven steps says
        so with this method)."""
        from retour.cases.actions import expire_due_voluntary_departures

        count = expire_due_voluntary_departures()
        return f"{count} voluntary-departure period(s) ended without departure"
