from typing import Any

from django.core.management.base import BaseCommand, CommandError

from retour.accounts.loading import load_authorities
from retour.reference.loading import ReferenceDataError, load_countries, load_legal_parameters


class Command(BaseCommand):
    help = "Load countries, legal parameters and authorities from the shipped data files."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            countries = load_countries()
            parameters = load_legal_parameters()
            authorities = load_authorities()
        except ReferenceDataError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"loaded {countries} countries, {parameters} legal parameters, "
            f"{authorities} authorities"
        )
