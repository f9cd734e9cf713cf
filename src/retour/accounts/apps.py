from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "retour.accounts"

    def load_reference_data(self) -> str:
        from retour.accounts.loading import load_authorities

        return f"{load_authorities()} authorities"
