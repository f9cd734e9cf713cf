from django.apps import AppConfig
from django.conf import settings


class EncryptionConfig(AppConfig):
    name = "retour.encryption"

    def ready(self) -> None:
        from retour.encryption import keys

        if settings.DATA_KEY_GENERATE:
            keys.ensure_development_key()
