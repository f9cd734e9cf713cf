"""Special categories encrypted at rest: what the database holds is ciphertext, what the
code reads is text, keys rotate without losing a value."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from retour.audit.models import AccessLogEntry
from retour.cases import actions
from retour.cases.models import CaseEvent
from retour.encryption import keys, rotation
from retour.encryption.fields import UnreadableValue
from retour.people.models import Vulnerability
from retour.seam.models import SubjectEvent
from retour.testing.factories import case_for

DETAILS = "Insulin-dependent diabetes; report of Dr. Jansen, 2026-05-02"


@pytest.fixture
def key_folder(settings, tmp_path):
    settings.DATA_KEY_DIR = tmp_path / "data-keys"
    keys.new_key()
    return settings.DATA_KEY_DIR


def _stored_details(vulnerability_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT details FROM people_vulnerability WHERE id = %s",
                       [vulnerability_id])
        return cursor.fetchone()[0]


def _record(officer, case, details=DETAILS) -> Vulnerability:
    return actions.record_vulnerability(
        officer, case.person_id, kind="serious_illness", noted_on=date(2026, 5, 3),
        details=details, reason="reported at the interview")


def test_the_database_holds_ciphertext_and_the_code_reads_text(db, anna, key_folder):
    vulnerability = _record(anna, case_for(anna))
    stored = _stored_details(vulnerability.id)
    assert stored.startswith("aesgcm:") and "diabetes" not in stored
    assert Vulnerability.objects.get(id=vulnerability.id).details == DETAILS
    # Two encryptions of the same text differ (a fresh nonce each time).
    other = _record(anna, case_for(anna))
    assert _stored_details(other.id) != stored


def test_the_details_are_in_no_history_and_no_access_log_entry(db, anna, key_folder):
    case = case_for(anna)
    _record(anna, case)
    texts = [str(e.payload) + e.reason for e in CaseEvent.objects.filter(case=case)]
    texts += [str(e.payload) + e.reason for e in SubjectEvent.objects.all()]
    texts += [str(e.search_terms) + e.reason for e in AccessLogEntry.objects.all()]
    assert not [t for t in texts if "diabetes" in t]


def test_a_changed_value_does_not_decrypt(db, anna, key_folder):
    vulnerability = _record(anna, case_for(anna))
    stored = _stored_details(vulnerability.id)
    tampered = stored[:-6] + ("AAAAAA" if not stored.endswith("AAAAAA") else "BBBBBB")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE people_vulnerability SET details = %s WHERE id = %s",
                       [tampered, vulnerability.id])
    with pytest.raises(UnreadableValue, match="changed"):
        Vulnerability.objects.get(id=vulnerability.id)


def test_rotation_moves_every_value_to_the_new_key_and_the_old_key_can_go(db, anna, key_folder):
    first = [_record(anna, case_for(anna)) for _ in range(3)]
    old_key = keys.current()[0]
    out = StringIO()
    call_command("encryption", "new-key", stdout=out)
    new_key = keys.current()[0]
    assert new_key != old_key and new_key in out.getvalue()
    assert {k for (_, k) in rotation.status()} == {old_key}

    call_command("encryption", "rotate", stdout=out)

    assert rotation.status() == {("people.Vulnerability.details", new_key): 3}
    (key_folder / f"{old_key}.key").unlink()
    assert [Vulnerability.objects.get(id=v.id).details for v in first] == [DETAILS] * 3


def test_a_value_whose_key_is_gone_is_a_clear_error(db, anna, key_folder):
    _record(anna, case_for(anna))
    for path in key_folder.glob("*.key"):
        path.unlink()
    keys._read.clear()  # as a process started after the keys were lost
    keys.new_key()
    with pytest.raises(CommandError, match=r"is not in .*nothing was changed"):
        call_command("encryption", "rotate", stdout=StringIO())


def test_production_without_a_key_folder_refuses_to_start(tmp_path):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "RETOUR_DATA_KEY_DIR"}
    env.update(RETOUR_DEBUG="false", RETOUR_SECRET_KEY="x" * 50, RETOUR_AUDIT_KEY_DIR=str(tmp_path),
               DJANGO_SETTINGS_MODULE="retour.settings")
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env, capture_output=True, text=True, check=False)
    assert result.returncode != 0 and "RETOUR_DATA_KEY_DIR is not set" in result.stderr


def test_an_encrypted_field_cannot_be_searched(db):
    from django.core.exceptions import FieldError

    with pytest.raises(FieldError):
        list(Vulnerability.objects.filter(details__icontains="diabetes"))
    with pytest.raises(FieldError):
        list(Vulnerability.objects.filter(details="x"))
