"""Loading the authorities data file (idempotent)."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from retour.accounts.models import Authority
from retour.reference.loading import DATA_DIR, ReferenceDataError, read_toml
from retour.reference.models import Country


@transaction.atomic
def load_authorities(path: Path = DATA_DIR / "authorities.toml") -> int:
    entries = read_toml(path).get("authority", [])
    member_states = set(Country.objects.member_states().values_list("code", flat=True))
    for index, entry in enumerate(entries, start=1):
        where = f"{path.name}: authority {index} ({entry.get('code', '?')})"
        for name in ("code", "name", "kind"):
            if not isinstance(entry.get(name), str) or not entry[name]:
                raise ReferenceDataError(f"{where}: '{name}' is missing")
        if entry["kind"] not in Authority.Kind.values:
            raise ReferenceDataError(f"{where}: unknown kind {entry['kind']!r}")
        member_state = entry.get("member_state")
        if entry["kind"] == Authority.Kind.EU_BODY:
            if member_state:
                raise ReferenceDataError(f"{where}: an EU body has no member_state")
        elif member_state not in member_states:
            raise ReferenceDataError(
                f"{where}: member_state {member_state!r} is not a member state"
            )
        Authority.objects.update_or_create(
            code=entry["code"],
            defaults={
                "name": entry["name"],
                "kind": entry["kind"],
                "member_state_id": member_state,
            },
        )
    return len(entries)
