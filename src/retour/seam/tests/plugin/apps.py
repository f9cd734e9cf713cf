from django.apps import AppConfig


class WelfareConfig(AppConfig):
    name = "retour.seam.tests.plugin"
    label = "welfare"
