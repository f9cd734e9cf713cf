"""``retour worker``: deliver the outbox's messages to their subscribers (ADR 0010)."""

from __future__ import annotations

import logging
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from retour.outbox.subscribers import subscribers
from retour.outbox.worker import Worker


def _positive(kind: type[int] | type[float]) -> Any:
    def parse(raw: str) -> int | float:
        value = kind(raw)
        if value <= 0:
            raise ValueError(raw)
        return value

    parse.__name__ = f"positive {kind.__name__}"  # argparse names the type in its error
    return parse


class Command(BaseCommand):
    help = (
        "Deliver the outbox's messages to the registered subscribers, at least once and in "
        "order per case, until stopped (SIGTERM or Ctrl-C end it after the delivery in "
        "progress). Several workers may run at once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true",
                            help="deliver what is due now, then exit")
        parser.add_argument("--subscriber", action="append", dest="names", metavar="NAME",
                            help="deliver only for this subscriber (repeatable; default: all)")
        parser.add_argument("--poll", type=_positive(float), default=1.0, metavar="SECONDS",
                            help="wait between two looks when nothing is due (1.0)")
        parser.add_argument("--batch", type=_positive(int), default=100, metavar="N",
                            help="messages claimed at a time (100)")

    def handle(self, *args: Any, **options: Any) -> None:
        registered = [s.name for s in subscribers()]
        names = options["names"]
        unknown = sorted(set(names or ()) - set(registered))
        if unknown:
            raise CommandError(
                f"--subscriber: not registered: {', '.join(unknown)} (registered: "
                f"{', '.join(registered) or 'none'})"
            )
        if options["verbosity"] >= 2:
            logging.getLogger("retour.outbox").setLevel(logging.INFO)
        worker = Worker(names, batch=options["batch"])
        serving = sorted(names or registered)
        self.stdout.write(
            f"outbox worker {worker.id} delivering for: {', '.join(serving) or 'no subscriber'}"
        )
        tally = worker.run(options["poll"], once=options["once"])
        self.stdout.write(
            f"outbox worker {worker.id} stopped: {tally.delivered} delivered, "
            f"{tally.failed} failed attempts, {tally.dead} dead letters"
        )
