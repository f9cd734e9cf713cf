from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    name = "retour.reference"
    verbose_name = "Reference data"
