from typing import Any

from django.core.management.base import BaseCommand

from retour.cases.procedure_doc import procedure_markdown


class Command(BaseCommand):
    help = "Print the return procedure (stages, transitions, guards) as Markdown."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(procedure_markdown(), ending="")
