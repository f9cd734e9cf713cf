from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "retour.audit"

    def ready(self) -> None:
        from retour.accounts import administration
        from retour.audit.log import record_access

        # The administration (in an app below this one) records its changes here (ADR 13).
        administration.keep_access_log_with(record_access)
