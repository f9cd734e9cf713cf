from django.apps import AppConfig


class DetentionConfig(AppConfig):
    name = "retour.detention"
