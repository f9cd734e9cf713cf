from django.apps import AppConfig


class ReadmissionConfig(AppConfig):
    name = "retour.readmission"

    def ready(self) -> None:
        # The identification dossier asks the instruments for each country's evidence rules.
        from retour.identification import dossier
        from retour.readmission.rules import EvidenceRulesFromInstruments

        dossier.use_rules(EvidenceRulesFromInstruments())

    def load_reference_data(self) -> str:
        from retour.readmission.instruments import load_instruments

        return f"{load_instruments()} new readmission instrument versions"

    def apply_passing_time(self) -> str:
        from retour.readmission.actions import apply_passing_time

        counts = apply_passing_time()
        return "readmission requests: " + ", ".join(f"{n} {what}" for what, n in counts.items())
