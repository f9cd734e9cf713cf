"""``retour audit verify|anchor|new-key``: check, anchor and key the access log (ADR 0015)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from retour.audit import anchors, keys
from retour.audit.log import ChainBreak, ChainBroken, anchor_head, verify_chain
from retour.audit.models import AccessLogEntry, ChainHead


def _refusal(broken: ChainBreak) -> str:
    entry = f"id {broken.entry_id}" if broken.entry_id is not None else "no such entry"
    return f"access log broken at entry {broken.sequence} ({entry}): {broken.problem}"


def _anchors() -> list[anchors.Anchor]:
    try:
        return anchors.read()
    except (anchors.AnchorRefused, keys.KeyMissing) as refused:
        raise CommandError(f"access log not verified: {refused}") from None


class Command(BaseCommand):
    help = (
        "verify: walk the access log's chain from its first entry with its keys and report the "
        "first entry that was changed, removed or reordered, whose person index differs, or "
        "that an anchor contradicts, and refuse a log behind its last anchor (exit status 1); "
        "or say that it is intact. "
        "anchor: verify, then append the log's head, signed, to the anchor file (daily). "
        "new-key: make a new key for the entries written from now on (and the anchors' key "
        "pair, the first time)."
    )
    # ``new-key`` must run where the checks fail for want of a key.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("subcommand", choices=["verify", "anchor", "new-key"])

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "verify":
            self._verify()
        elif options["subcommand"] == "anchor":
            self._anchor()
        else:
            self._new_key()

    def _verify(self) -> None:
        found = _anchors()
        broken = verify_chain(found)
        if broken is not None:
            raise CommandError(_refusal(broken))
        entries = AccessLogEntry.objects.count()
        unkeyed = AccessLogEntry.objects.filter(key_id="").count()
        before_keying = f" ({unkeyed} from before keying)" if unkeyed else ""
        if found:
            last = max(anchor.sequence for anchor in found)
            anchored = f"{len(found)} anchors hold, the last at entry {last}"
        else:
            anchored = f"no anchor yet in {anchors.anchor_file()}"
        self.stdout.write(f"access log intact: {entries} entries{before_keying}; {anchored}")

    def _anchor(self) -> None:
        try:
            anchor = anchor_head(_anchors())
        except ChainBroken as broken:
            raise CommandError(f"not anchored: {_refusal(broken.broken)}") from None
        except keys.KeyMissing as missing:
            raise CommandError(f"not anchored: {missing}") from None
        self.stdout.write(f"anchored entry {anchor.sequence} in {anchors.anchor_file()}")

    def _new_key(self) -> None:
        head = None
        # A new installation makes its key before its tables (the checks ask for the key).
        if ChainHead._meta.db_table in connection.introspection.table_names():
            head = ChainHead.objects.filter(id=1).first()
        made = keys.new_key(head.sequence if head else 0)
        self.stdout.write(f"new key {made.id} in {keys.folder()}: entries are keyed with it "
                          "from now on (processes running now: once restarted)")
        if not keys.has_signing_key():
            keys.new_signing_key()
            self.stdout.write(f"anchors are signed with {keys.folder() / keys.SIGNING_KEY}; "
                              f"{keys.folder() / keys.PUBLIC_KEY} checks them")
