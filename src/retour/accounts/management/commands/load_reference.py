from typing import Any

from django.core.management.base import BaseCommand, CommandError

from retour.reference.loading import ReferenceDataError, load_every_app


class Command(BaseCommand):
    help = (
        "Load the shipped data files: countries, legal parameters, authorities, readmission "
        "instruments (every app's load_reference_data, in the order of INSTALLED_APPS)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            loaded = load_every_app()
        except ReferenceDataError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write("loaded " + ", ".join(loaded))
