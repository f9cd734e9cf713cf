from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "retour.retention"

    def load_reference_data(self) -> str:
        """The retention periods, as legal parameters of their own file (law as data)."""
        from retour.reference.loading import load_legal_parameters
        from retour.retention.rules import RULES_FILE

        return f"{load_legal_parameters(RULES_FILE)} retention periods"
