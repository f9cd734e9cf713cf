from django.apps import AppConfig


class StatisticsConfig(AppConfig):
    name = "retour.statistics"
    verbose_name = "Statistics"

    def load_reference_data(self) -> str:
        """The indicator definitions (``retour load_reference``); after the legal parameters,
        which they may name."""
        from retour.statistics.loading import load_indicators

        return f"{load_indicators()} indicator definitions"
