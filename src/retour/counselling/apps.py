from django.apps import AppConfig


class CounsellingConfig(AppConfig):
    name = "retour.counselling"
