"""``retour readmission export|import``: a readmission request as a ``retour-readmission/1``
application, and the requested state's reply read back (``retour.readmission.exchange``).

Both act as the officer named with ``--user`` (their scope and role apply, and the export is
kept in the access log under their name). A refused file changes nothing and exits with status
2, naming the JSON path at fault.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from retour.accounts.acting import USAGE_ERROR, acting_user
from retour.accounts.models import User
from retour.errors import ActionError, InvalidInput
from retour.readmission import exchange

CHANNEL = "cli"


def _refuse(message: str) -> CommandError:
    return CommandError(message, returncode=USAGE_ERROR)


def _refused(exc: ActionError, where: str) -> CommandError:
    """The refusal as one line: where, then each JSON path and its reason."""
    if isinstance(exc, InvalidInput):
        return _refuse(f"{where}: " + "; ".join(f"{path}: {why}"
                                               for path, why in exc.errors.items()))
    return _refuse(f"{where}: {exc}")




class Command(BaseCommand):
    help = (
        "Export a readmission request as a retour-readmission/1 application (JSON), or import "
        "the requested state's acknowledgement, reply or travel document. Exit status 2 when "
        "the input is refused; nothing is changed then."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
        export = commands.add_parser("export", help="Write a request's application as JSON.")
        export.add_argument("reference", help="The request's reference, e.g. NL-2026-000001-R1.")
        export.add_argument("--output", type=Path, help="JSON file (default: standard output)")
        reply = commands.add_parser("import", help="Record a message of the requested state.")
        reply.add_argument("file", type=Path, help="retour-readmission/1 JSON file")
        for sub in (export, reply):
            sub.add_argument("--user", required=True, help="The officer acting (username).")
            sub.add_argument("--reason", default="", help="Why; kept in the log.")

    def handle(self, *args: Any, **options: Any) -> None:
        user = acting_user(options["user"])
        if options["command"] == "export":
            self._export(user, options["reference"], options["output"], options["reason"])
        else:
            self._import(user, options["file"], options["reason"])

    def _export(self, user: User, reference: str, output: Path | None, reason: str) -> None:
        try:
            request = exchange.load_request(user, reference=reference)
            document = exchange.export_application(user, request, reason=reason,
                                                   channel=CHANNEL)
        except ActionError as exc:
            raise _refused(exc, reference) from None
        text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
        if output is None:
            self.stdout.write(text, ending="")
            return
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"{output}: {exc.strerror}") from None
        self.stderr.write(f"{reference}: application written to {output}")

    def _import(self, user: User, path: Path, reason: str) -> None:
        try:
            message = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise _refuse(f"{path}: {exc.strerror}") from None
        except UnicodeDecodeError:
            raise _refuse(f"{path}: not UTF-8 text") from None
        except json.JSONDecodeError as exc:
            raise _refuse(f"{path}, line {exc.lineno}, column {exc.colno}: not JSON: "
                          f"{exc.msg}") from None
        except RecursionError:
            # The parser recurses once per level; no message is nested more than a few deep.
            raise _refuse(f"{path}: not a readmission message: nested too deep") from None
        try:
            request = exchange.import_message(user, message, reason=reason, channel=CHANNEL)
        except ActionError as exc:
            raise _refused(exc, str(path)) from None
        self.stdout.write(f"{request.reference}: {request.get_status_display()}")
