"""Anchors: the access log's head, signed and appended to a file outside the database.

``retour audit anchor`` (a daily job) appends one line per run to ``AUDIT_ANCHOR_FILE``: the
head's sequence and digest, the key that keyed it, when, and an Ed25519 signature over them.
The file is only ever opened to append. ``retour audit verify`` then refuses a database whose
chain does not hold every anchored head, or that ends before the last one, as a restored older
copy or a log whose last entries were removed does (ADR 0015).
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from django.conf import settings

from retour import clock
from retour.audit import keys

# Signed bytes start with this, so an anchor's signature cannot be taken for any other.
PURPOSE = b"retour access log anchor\n"


class AnchorRefused(Exception):
    """A line of the anchor file that is not a genuine anchor."""


@dataclass(frozen=True)
class Anchor:
    sequence: int
    digest: str
    key: str
    at: datetime
    line: int = 0

    def signed_part(self) -> bytes:
        content = {"sequence": self.sequence, "digest": self.digest, "key": self.key,
                   "at": self.at.isoformat()}
        return PURPOSE + json.dumps(content, sort_keys=True, separators=(",", ":")).encode()

    def named(self) -> str:
        """How a message names it: where it is and what it says."""
        return (f"the anchor on line {self.line} of {anchor_file()} "
                f"(entry {self.sequence}, anchored {self.at.isoformat(timespec='seconds')})")


def anchor_file() -> Path:
    return Path(settings.AUDIT_ANCHOR_FILE)


def append(sequence: int, digest: str, key: str) -> Anchor:
    """Sign the head and append it as one line; the file is never rewritten."""
    anchor = Anchor(sequence, digest, key, clock.now().astimezone(UTC))
    signature = keys.signing_key().sign(anchor.signed_part())
    line = json.loads(anchor.signed_part().removeprefix(PURPOSE))
    line["signature"] = base64.b64encode(signature).decode()
    path = anchor_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(descriptor, json.dumps(line, sort_keys=True).encode() + b"\n")
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    return anchor


def read() -> list[Anchor]:
    """Every anchor in the file, each checked against its signature, in the file's order.

    ``AnchorRefused`` names the first line that is not a genuine anchor."""
    path = anchor_file()
    if not path.exists():
        return []
    public = None
    anchors = []
    for number, text in enumerate(path.read_text().splitlines(), start=1):
        where = f"line {number} of {path}"
        try:
            fields = json.loads(text)
            anchor = Anchor(int(fields["sequence"]), str(fields["digest"]), str(fields["key"]),
                            datetime.fromisoformat(fields["at"]), number)
            signature = base64.b64decode(fields["signature"], validate=True)
        except (ValueError, KeyError, TypeError):
            raise AnchorRefused(f"{where} is not an anchor") from None
        public = public or keys.public_key()
        try:
            public.verify(signature, anchor.signed_part())
        except InvalidSignature:
            raise AnchorRefused(
                f"{where} (entry {anchor.sequence}) does not match its signature"
            ) from None
        anchors.append(anchor)
    return anchors
