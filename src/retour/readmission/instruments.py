"""Readmission instruments: loading the data file, and which version applies to a request."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy, gettext_noop

from retour import bulk, clock
from retour.accounts.roles import Capability
from retour.errors import NotVisible
from retour.readmission.models import Instrument
from retour.readmission.rules import check_rules
from retour.reference.loading import ReferenceDataError, read_toml
from retour.reference.models import Country
from retour.seam import pipeline
from retour.seam.actions import declare, implements
from retour.seam.events import Payload
from retour.seam.events import declare as declare_event
from retour.seam.pipeline import Done, Step

DATA_FILE = Path(__file__).parent / "data" / "instruments.toml"

# Where more than one instrument binds a member state towards a country, the more specific
# one applies: a protocol implementing an agreement for that member state, then a bilateral
# agreement, then the EU agreement, then a non-binding arrangement.
PRECEDENCE = (
    Instrument.Kind.PROTOCOL,
    Instrument.Kind.BILATERAL,
    Instrument.Kind.EU_AGREEMENT,
    Instrument.Kind.EU_ARRANGEMENT,
)
_FIELDS = ("kind", "title", "third_country", "binds")
_COMPARED = ("kind", "title", "third_country_id", "member_states", "legal_reference",
             "in_force_from", "in_force_until", "rules", "source")


def _bound(entry: dict[str, Any], where: str, eu: list[str]) -> list[str]:
    binds = entry["binds"]
    if binds == "eu":
        excluded = set(entry.get("except", []))
        unknown = excluded - set(eu)
        if unknown:
            raise ReferenceDataError(f"{where}: except: not EU member states: {sorted(unknown)}")
        return [code for code in eu if code not in excluded]
    if not isinstance(binds, list) or not binds or not set(binds) <= set(eu):
        raise ReferenceDataError(f"{where}: binds must be \"eu\" or a list of member states")
    return sorted(binds)


def read_instruments(path: Path = DATA_FILE) -> dict[str, dict[str, Any]]:
    """The instruments of the data file as field values, checked; errors name the entry."""
    data = read_toml(path)
    shared = data.get("shared_rules", {})
    countries = set(Country.objects.values_list("code", flat=True))
    eu = sorted(Country.objects.filter(is_eu_member=True).values_list("code", flat=True))
    instruments = {}
    for code, entry in data.get("instruments", {}).items():
        where = f"{path.name}: instrument '{code}'"
        missing = [name for name in _FIELDS if name not in entry]
        if missing:
            raise ReferenceDataError(f"{where}: missing {', '.join(missing)}")
        if entry["kind"] not in Instrument.Kind.values:
            raise ReferenceDataError(
                f"{where}: kind must be one of {', '.join(Instrument.Kind.values)}"
            )
        if entry["third_country"] not in countries:
            raise ReferenceDataError(f"{where}: unknown country '{entry['third_country']}'")
        if not isinstance(entry.get("shared_rules", False), bool):
            raise ReferenceDataError(f"{where}: shared_rules must be true or false")
        rules = dict(shared) if entry.get("shared_rules") else {}
        rules.update(entry.get("rules", {}))
        for name in ("in_force_from", "in_force_until"):
            if name in entry and not isinstance(entry[name], date):
                raise ReferenceDataError(f"{where}: {name} must be a date (YYYY-MM-DD)")
        instruments[code] = {
            "kind": entry["kind"],
            "title": entry["title"],
            "third_country_id": entry["third_country"],
            "member_states": _bound(entry, where, eu),
            "legal_reference": entry.get("legal_reference", ""),
            "in_force_from": entry.get("in_force_from"),
            "in_force_until": entry.get("in_force_until"),
            "rules": check_rules(rules, where),
            "source": entry.get("source", ""),
        }
    return instruments


@transaction.atomic
def load_instruments(path: Path = DATA_FILE) -> int:
    """Add a version of every instrument whose entry differs from its latest version (none
    for an unchanged file). Returns the number of versions added."""
    added = 0
    for code, values in read_instruments(path).items():
        latest = latest_version(code)
        if latest is not None and all(
            _same(getattr(latest, name), values[name]) for name in _COMPARED
        ):
            continue
        record_version(code, values, recorded_by="data file",
                       note=f"loaded from {path.name}")
        added += 1
    return added


def _same(stored: Any, loaded: Any) -> bool:
    return stored == loaded or (stored in (None, "") and loaded in (None, ""))


def latest_version(code: str) -> Instrument | None:
    return Instrument.objects.filter(code=code).order_by("-version").first()


def _latest_locked(code: str) -> Instrument:
    latest = (Instrument.objects.select_for_update().filter(code=code).order_by("-version")
              .first())
    if latest is None:
        raise NotVisible("instrument not found")
    return latest


class VersionRecorded(Payload):
    """The version recorded, as the data file or the administrator gave it (the change note
    is the event's reason)."""

    code: str
    version: int
    kind: Instrument.Kind
    title: str
    third_country: str
    member_states: list[str]
    legal_reference: str = ""
    in_force_from: date | None = None
    in_force_until: date | None = None
    rules: dict[str, Any]
    source: str = ""
    recorded_by: str


declare_event("instrument_version_recorded", VersionRecorded,
              label=gettext_lazy("Instrument version recorded"))
# An instrument is reference data of the Union: it belongs to no member state and holds no
# personal data (no access-log entry). Its key is its code; each version is a row of its own,
# and the version is its log's sequence.
pipeline.subject(
    "instrument", Instrument, label=gettext_lazy("Instrument"), member_state=lambda _i: "",
    key=lambda instrument: instrument.code, version_field="version", personal=False,
    read=_latest_locked,
)
declare("instrument", (
    Step("record_instrument_version", gettext_noop("Record an instrument version"),
         Capability.ADMINISTER),
))


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


@implements(name="record_instrument_version", events=("instrument_version_recorded",))
def record_version(code: str, values: dict[str, Any], *, recorded_by: str, note: str,
                   user: Any = None, expected_version: int | None = None) -> Instrument:
    """A new version of instrument ``code`` (the first when there is none), recorded by the
    data file (``user`` None: the system) or by an administrator who edited
    ``expected_version``, the latest when they opened it."""

    def change(latest: Instrument | None) -> Done:
        added = bulk.create(Instrument(
            code=code, version=(latest.version if latest else 0) + 1,
            recorded_at=clock.now(), recorded_by=recorded_by, change_note=note, **values,
        ))
        return Done(added, {
            "code": code, "version": added.version, "recorded_by": recorded_by,
            **{("third_country" if name == "third_country_id" else name): _iso(value)
               for name, value in values.items()},
        })

    known = Instrument.objects.filter(code=code).exists()
    added: Instrument = pipeline.take(user, "record_instrument_version", code if known else None,
                                      change, expected_version=expected_version, reason=note)
    return added


def _versions(country: str) -> list[Instrument]:
    """Every version of every instrument with ``country``; in a bulk session, read once."""
    return bulk.remembered(("readmission.instruments", country),
                           lambda: list(Instrument.objects.filter(third_country_id=country)))


def _in_force(instrument: Instrument, on: date) -> bool:
    starts, ends = instrument.in_force_from, instrument.in_force_until
    return (starts is None or starts <= on) and (ends is None or ends >= on)


def _latest_in_force(country: str, on: date) -> list[Instrument]:
    """The latest version of each instrument with ``country``, if that version has it in
    force on ``on``, the most specific first (``PRECEDENCE``)."""
    latest: dict[str, Instrument] = {}
    for instrument in _versions(country):
        if instrument.code not in latest or instrument.version > latest[instrument.code].version:
            latest[instrument.code] = instrument
    found = [i for i in latest.values() if _in_force(i, on)]
    return sorted(found, key=lambda i: PRECEDENCE.index(Instrument.Kind(i.kind)))


def instrument_for(country: str, member_state: str, on: date) -> Instrument | None:
    """The instrument that governs readmission from ``member_state`` to ``country`` on
    ``on``: the most specific one in force that binds the member state."""
    binding = [i for i in _latest_in_force(country, on) if member_state in i.member_states]
    return binding[0] if binding else None


def eu_instrument(country: str, on: date) -> Instrument | None:
    """The EU agreement (or else arrangement) with ``country`` in force on ``on``."""
    eu = (Instrument.Kind.EU_AGREEMENT, Instrument.Kind.EU_ARRANGEMENT)
    found = [i for i in _latest_in_force(country, on) if i.kind in eu]
    return found[0] if found else None
