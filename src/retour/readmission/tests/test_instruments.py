"""Readmission instruments as versioned data: the shipped file, refusals, versions."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from retour.identification import dossier
from retour.readmission.instruments import (
    DATA_FILE,
    instrument_for,
    latest_version,
    load_instruments,
    read_instruments,
)
from retour.readmission.models import Instrument
from retour.readmission.rules import Rules
from retour.reference.loading import ReferenceDataError

SHIPPED = ("PK", "LK", "GE", "UA", "AL", "AM", "AZ", "CV", "BY", "MK", "BA", "ME", "RS", "TR",
           "MD", "RU", "HK", "MO", "GM")


def test_the_shipped_file_holds_the_instruments_of_the_facts_file(db):
    countries = {values["third_country_id"] for values in read_instruments().values()}
    assert countries == set(SHIPPED)
    assert all(Instrument.objects.filter(third_country_id=c).exists() for c in SHIPPED)


def test_loading_an_unchanged_file_adds_no_version(db):
    assert load_instruments() == 0


def test_every_rule_carries_its_source_and_verification(db):
    pakistan = latest_version("eura-pk")
    assert pakistan is not None
    rules = Rules.of(pakistan)
    reply = rules.get("reply_limit")
    assert reply is not None and (reply.value, reply.unit) == (30, "calendar_days")
    assert reply.verification == "secondary" and not reply.verified
    assert rules.get("transfer_window").verified  # type: ignore[union-attr]
    assert "reply_limit" in rules.unverified()
    assert "NL" in pakistan.member_states and "DK" not in pakistan.member_states
    assert "IE" not in pakistan.member_states


def _edited(tmp_path: Path, old: str, new: str) -> Path:
    text = DATA_FILE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "instruments.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_a_changed_rule_makes_a_new_version_and_the_old_one_stays(db, tmp_path):
    path = _edited(tmp_path, 'reply_limit = { value = 30, unit = "calendar_days"',
                   'reply_limit = { value = 25, unit = "calendar_days"')
    first = latest_version("eura-pk")
    assert load_instruments(path) == 1
    second = latest_version("eura-pk")
    assert first is not None and second is not None
    assert second.version == first.version + 1
    assert Rules.of(second).get("reply_limit").value == 25  # type: ignore[union-attr]
    first.refresh_from_db()
    assert Rules.of(first).get("reply_limit").value == 30  # type: ignore[union-attr]
    assert instrument_for("PK", "NL", date(2026, 6, 1)) == second


@pytest.mark.parametrize(("old", "new", "message"), [
    ('unit = "calendar_days", source = "Reply within 30', 'unit = "weeks", source = "Reply',
     "instrument 'eura-pk', rule 'reply_limit': unit must be one of"),
    ('verification = "secondary" }\ntacit', 'verification = "maybe" }\ntacit',
     "rule 'reply_limit': verification must be one of"),
    ('third_country = "PK"', 'third_country = "QQ"', "instrument 'eura-pk': unknown country"),
    ('tacit_acceptance = { value = true', 'tacit_acceptance = { value = "yes"',
     "rule 'tacit_acceptance': the value must be true or false"),
    ('kind = "eu_arrangement"', 'kind = "treaty"', "instrument 'arrangement-gm': kind must be"),
    ('proof_of_nationality = { value = ["passport"]', 'proof_of_nationality = { value = ["visa"]',
     "rule 'proof_of_nationality': unknown kinds visa"),
    ('except = ["DK", "IE"]', 'except = ["NO"]', "except: not EU member states"),
])
def test_an_invalid_entry_is_refused_with_the_instrument_and_the_reason(db, tmp_path, old, new,
                                                                        message):
    path = _edited(tmp_path, old, new)
    versions = Instrument.objects.count()
    with pytest.raises(ReferenceDataError, match=message):
        load_instruments(path)
    assert Instrument.objects.count() == versions


def test_the_most_specific_instrument_in_force_applies(db):
    pakistan = latest_version("eura-pk")
    assert pakistan is not None
    assert instrument_for("PK", "NL", date(2026, 1, 1)) == pakistan
    assert instrument_for("PK", "DK", date(2026, 1, 1)) is None  # Denmark is not party
    assert instrument_for("PK", "NL", date(2010, 11, 30)) is None  # not yet in force
    protocol = Instrument.objects.create(
        code="protocol-pk-nl", version=1, kind=Instrument.Kind.PROTOCOL, title="NL–PK protocol",
        third_country_id="PK", member_states=["NL"], rules={}, recorded_at=pakistan.recorded_at,
        recorded_by="test",
    )
    assert instrument_for("PK", "NL", date(2026, 1, 1)) == protocol
    assert instrument_for("PK", "BE", date(2026, 1, 1)) == pakistan


def test_the_dossier_takes_its_evidence_rules_from_the_instrument(db):
    rule = dossier.rule_for("GM", date(2026, 1, 1))
    assert rule.proof == frozenset({"passport"})
    assert rule.expired_proof_is_prima_facie and rule.interview_replaces_evidence
    assert "Gambia" in rule.source and not rule.verified
    fallback = dossier.rule_for("AF", date(2026, 1, 1))  # no instrument
    assert "passport" in fallback.proof


def test_agreements_start_from_the_shared_rules_and_their_own_win(db):
    pakistan = Rules.of(latest_version("eura-pk"))
    proof = pakistan.get("proof_of_nationality")
    assert proof is not None and "passport" in proof.value  # shared
    interview = pakistan.get("interview_replaces_evidence")
    assert interview is not None and interview.verified  # its own, verified
    gambia = Rules.of(latest_version("arrangement-gm"))
    assert gambia.get("proof_of_nationality").value == ["passport"]  # type: ignore[union-attr]
    assert gambia.get("prima_facie_evidence") is None  # does not take the shared rules
