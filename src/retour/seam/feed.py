"""A feed of case events as files in a folder, without personal data: one JSON file per
message, named by its idempotency key, so a delivery made twice writes the same file again.

Another system (a statistics warehouse, a dashboard of the ministry) reads the folder; what it
receives is what the event types declare, minus every field they mark as personal data
(``seam.events.PERSONAL``). Installed with ``RETOUR_EVENT_FEED_DIR``; the demo writes to
``var/feed``. A link that must pass personal data on (SIS, RCMS) is an adapter of its own, with
its purpose and legal basis on record.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from retour.seam import events


def without_personal_data(event_type: str, payload: dict[str, Any]) -> dict[str, Any]:
    """``payload`` with every field its type marks as personal data left out."""
    kept = json.loads(json.dumps(payload))
    for path in events.get(event_type).personal_fields():
        *parents, name = path.split(".")
        holder: Any = kept
        for part in parents:
            holder = holder.get(part) if isinstance(holder, dict) else None
        if isinstance(holder, dict):
            holder.pop(name, None)
    return kept


class FolderFeed:
    """Deliver each message as ``<folder>/<key>.json`` (written whole or not at all)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def __call__(self, message: Any) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        record = {
            "key": str(message.key),
            "type": message.event_type,
            "version": message.event_version,
            "stream": message.stream,
            "sequence": message.sequence,
            "member_state": message.member_state,
            "occurred_at": message.occurred_at.isoformat(),
            "payload": without_personal_data(message.event_type, message.payload),
        }
        handle, temporary = tempfile.mkstemp(dir=self.folder, suffix=".part")
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            json.dump(record, file, ensure_ascii=False, sort_keys=True)
        os.replace(temporary, self.folder / f"{message.key}.json")
