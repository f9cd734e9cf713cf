from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    name = "retour.reference"
    verbose_name = "Reference data"

    def load_reference_data(self) -> str:
        """What ``retour load_reference`` loads for this app (each app that has data files
        says so with this method)."""
        from retour.reference.loading import load_countries, load_legal_parameters

        return f"{load_countries()} countries, {load_legal_parameters()} legal parameters"
