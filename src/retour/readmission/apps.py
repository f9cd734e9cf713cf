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
