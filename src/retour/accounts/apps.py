from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "retour.accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from retour.accounts.sessions import tracking
        from retour.accounts.signin.session import stamp_sign_in

        user_logged_in.connect(stamp_sign_in, dispatch_uid="retour.accounts.signin")
        user_logged_in.connect(tracking.begin, dispatch_uid="retour.accounts.sessions")
        user_logged_out.connect(tracking.finish, dispatch_uid="retour.accounts.sessions")

    def load_reference_data(self) -> str:
        from retour.accounts.loading import load_authorities

        return f"{load_authorities()} authorities"
