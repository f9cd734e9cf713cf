"""Recording identity and travel documents: the zone fills and checks the fields, nothing of a
bad zone is stored unless confirmed as unverified, every write is audited, scoping holds."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from retour.api.tests.conftest import bearer
from retour.audit.models import AccessLogEntry
from retour.cases.models import CaseEvent
from retour.errors import InvalidInput, NotVisible, PermissionRefused
from retour.identification.actions import NewDocument, record_identity_document
from retour.identification.models import IdentityDocument
from retour.identification.mrz import check_digit
from retour.testing.factories import case_for, person_for


def passport_zone(number: str = "P01234567", expires: str = "310514") -> list[str]:
    """An Afghan passport's zone with correct check digits."""
    line2 = (f"{number}{check_digit(number)}AFG940517{check_digit('940517')}M"
             f"{expires}{check_digit(expires)}{'<' * 14}<")
    line2 += check_digit(line2[0:10] + line2[13:20] + line2[21:43])
    return [f"{'P<AFGHADDAD<<KARIM':<<44}", line2]


def _passport(**changes: Any) -> NewDocument:
    fields: dict[str, Any] = {"kind": "passport", "form": "original", "kept_at": "case file",
                              "zone": passport_zone()}
    return NewDocument(**{**fields, **changes})


@pytest.fixture
def karim_case(anna):
    return case_for(anna)


def test_a_passport_with_a_valid_zone_takes_its_fields_from_the_zone(anna, karim_case):
    document = record_identity_document(anna, karim_case.person_id, _passport(),
                                        reason="copy at intake")
    assert (document.number, document.issuing_country_id, document.issuing_code) == (
        "P01234567", "AF", "AFG")
    assert document.expires_on == date(2031, 5, 14)
    assert document.zone_status == IdentityDocument.ZoneStatus.VERIFIED
    assert document.zone.splitlines() == passport_zone()
    event = CaseEvent.objects.get(case=karim_case, type="identity_document_recorded")
    assert event.payload["document"]["kind"] == "passport"
    assert event.reason == "copy at intake"
    entry = AccessLogEntry.objects.get(object_type="identity_document")
    assert (entry.operation, entry.person_ids) == ("write", [str(karim_case.person_id)])


def _nothing_stored() -> None:
    assert not IdentityDocument.objects.exists()
    assert not CaseEvent.objects.filter(type="identity_document_recorded").exists()
    assert not AccessLogEntry.objects.filter(object_type="identity_document").exists()


def test_a_zone_whose_check_digits_fail_is_refused_until_confirmed_as_unverified(
    anna, karim_case
):
    zone = passport_zone()
    zone[1] = zone[1][:9] + str((int(zone[1][9]) + 1) % 10) + zone[1][10:]
    with pytest.raises(InvalidInput) as refused:
        record_identity_document(anna, karim_case.person_id, _passport(zone=zone))
    assert "document number (printed" in refused.value.errors["zone"], refused.value.errors
    assert "confirm" in refused.value.errors["zone"]
    _nothing_stored()
    document = record_identity_document(anna, karim_case.person_id,
                                        _passport(zone=zone, confirm_unverified=True))
    assert document.zone_status == IdentityDocument.ZoneStatus.UNVERIFIED


def test_lines_that_are_not_a_zone_are_never_stored(anna, karim_case):
    zone = passport_zone()
    zone[1] = zone[1][:40]
    with pytest.raises(InvalidInput) as refused:
        record_identity_document(anna, karim_case.person_id,
                                 _passport(zone=zone, confirm_unverified=True))
    assert refused.value.errors == {"zone[1]": "line 2: expected 44 characters, found 40"}
    _nothing_stored()


def test_fields_that_disagree_with_the_zone_are_refused_on_the_field(anna, karim_case):
    with pytest.raises(InvalidInput) as refused:
        record_identity_document(anna, karim_case.person_id, _passport(
            number="P01234568", issuing_country="IR", expires_on=date(2031, 5, 14)))
    assert refused.value.errors == {
        "number": "the machine-readable zone says P01234567",
        "issuing_country": "the machine-readable zone says AF",
    }
    _nothing_stored()


def test_documents_without_a_zone_and_their_own_rules(anna, karim_case):
    with pytest.raises(InvalidInput) as refused:
        record_identity_document(anna, karim_case.person_id, NewDocument(
            kind="laissez_passer", form="copy", issuing_country="ZZ",
            issued_on=date(2026, 5, 1), expires_on=date(2026, 4, 1)))
    assert set(refused.value.errors) == {"number", "issuing_country", "expires_on"}
    certificate = record_identity_document(anna, karim_case.person_id, NewDocument(
        kind="birth_certificate", form="copy", issuing_country="af"))
    assert (certificate.number, certificate.issuing_country_id) == ("", "AF")
    assert certificate.zone_status == IdentityDocument.ZoneStatus.NONE


def test_only_within_the_member_state_and_for_roles_that_register_persons(
    anna, lucas, lotte, eva, karim_case
):
    with pytest.raises(NotVisible):
        record_identity_document(lucas, karim_case.person_id, _passport())
    for user in (lotte, eva):
        with pytest.raises(PermissionRefused):
            record_identity_document(user, karim_case.person_id, _passport())
    _nothing_stored()


def test_a_person_without_an_open_case_gets_the_document_without_events(anna):
    person = person_for(anna)
    record_identity_document(anna, person.pk, _passport())
    assert IdentityDocument.objects.filter(person=person).count() == 1
    assert not CaseEvent.objects.filter(type="identity_document_recorded").exists()


def test_the_api_records_and_lists_documents_and_logs_the_read(client, anna, lucas, karim_case):
    url = f"/api/v1/people/{karim_case.person_id}/documents"
    body = {"kind": "passport", "form": "original", "zone": passport_zone(), "reason": "intake"}
    created = client.post(url, body, content_type="application/json", headers=bearer(anna))
    assert created.status_code == 201, created.content
    assert created.json()["number"] == "P01234567"
    listed = client.get(url, headers={**bearer(anna), "X-Retour-Reason": "dossier check"})
    assert [d["id"] for d in listed.json()] == [created.json()["id"]]
    read = AccessLogEntry.objects.get(operation="read", object_type="identity_document")
    assert read.reason == "dossier check" and read.object_ids == [created.json()["id"]]
    assert client.get(url, headers=bearer(lucas)).status_code == 404


def test_the_api_names_the_zone_line_that_is_wrong(client, anna, karim_case):
    url = f"/api/v1/people/{karim_case.person_id}/documents"
    zone = passport_zone()
    zone[1] = zone[1][:15] + "O" + zone[1][16:]
    response = client.post(url, {"kind": "passport", "form": "copy", "zone": zone},
                           content_type="application/json", headers=bearer(anna))
    assert response.status_code == 422
    assert response.json() == {"detail": [{
        "field": "zone[1]",
        "message": "line 2, position 16: expected the date of birth YYMMDD, found 'O'"}]}
