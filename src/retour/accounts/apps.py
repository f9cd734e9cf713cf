from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "retour.accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from retour.accounts.signin.session import stamp_sign_in

        user_logged_in.connect(stamp_sign_in, dispatch_uid="retour.accounts.signin")

    def load_reference_data(self) -> str:
        from retour.accounts.loading import load_authorities

        return f"{load_authorities()} authorities"
