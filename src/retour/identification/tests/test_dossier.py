"""The identification dossier per country of return: proof, prima facie evidence, what is
missing, by rules that are data and can be plugged in; and recording non-document evidence."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest

from retour import clock
from retour.api.tests.conftest import bearer
from retour.audit.models import AccessLogEntry
from retour.cases.models import CaseEvent
from retour.errors import InvalidInput, NotVisible, PermissionRefused
from retour.identification import dossier
from retour.identification.actions import (
    NewDocument,
    NewEvidence,
    record_identity_document,
    record_identity_evidence,
)
from retour.identification.tests.test_documents import passport_zone
from retour.testing.factories import case_for, person_for


def _document(user: Any, person: Any, **fields: Any) -> None:
    defaults = {"kind": "passport", "form": "original", "number": "M1234567"}
    record_identity_document(user, person.pk, NewDocument(**{**defaults, **fields}))


def _status(person: Any, country: str) -> tuple[str, list[str]]:
    result = dossier.evaluate(person, country, clock.today())
    return result.status, [f"{i.kind}:{i.counts_as}" for i in result.items]


def test_nothing_recorded_is_incomplete_and_says_what_is_missing(anna):
    person = person_for(anna)
    result = dossier.evaluate(person, "MA", clock.today())
    assert (result.status, result.items) == ("incomplete", [])
    assert result.missing == [
        "a document that proves nationality, issued by MA: identity_card, laissez_passer, "
        "passport",
        "or an identification interview by the consulate of MA",
    ]
    assert result.warnings and "not verified" in result.warnings[0]


def test_an_original_passport_of_the_country_proves_a_copy_is_prima_facie(anna):
    person = person_for(anna)
    _document(anna, person, issuing_country="DZ")  # another country's passport: not counted
    assert _status(person, "MA") == ("incomplete", [])
    _document(anna, person, issuing_country="MA", form="copy")
    assert _status(person, "MA") == ("prima_facie", ["passport:prima_facie"])
    _document(anna, person, issuing_country="MA", number="M7654321")
    assert _status(person, "MA")[0] == "complete"
    assert dossier.evaluate(person, "MA", clock.today()).missing == []


def test_a_zone_that_did_not_check_makes_a_passport_only_prima_facie(anna):
    person = person_for(anna)
    zone = passport_zone()
    zone[1] = zone[1][:9] + str((int(zone[1][9]) + 1) % 10) + zone[1][10:]
    record_identity_document(anna, person.pk, NewDocument(
        kind="passport", form="original", zone=zone, confirm_unverified=True))
    result = dossier.evaluate(person, "AF", clock.today())
    assert result.status == "prima_facie"
    assert result.items[0].why == "its machine-readable zone did not check"


def test_the_gambia_arrangement_counts_an_expired_passport_as_prima_facie(anna):
    person = person_for(anna)
    expired = clock.today() - timedelta(days=10)
    _document(anna, person, issuing_country="GM", expires_on=expired)
    assert _status(person, "GM") == ("prima_facie", ["passport:prima_facie"])
    # under the default rules an expired passport still proves nationality
    other = person_for(anna)
    _document(anna, other, issuing_country="MA", expires_on=expired)
    assert _status(other, "MA")[0] == "complete"


def test_a_consular_interview_identifies_where_the_rules_say_so(anna):
    person = person_for(anna)
    record_identity_evidence(anna, person.pk, NewEvidence(
        kind="biometrics", taken_on=clock.today(), reference="NL-BVV-778812", quality="good"))
    record_identity_evidence(anna, person.pk, NewEvidence(
        kind="language_analysis", taken_on=clock.today(), nationality="PK",
        summary="Punjabi, Lahore region"))
    assert _status(person, "PK") == (
        "prima_facie", ["biometrics:supporting", "language_analysis:prima_facie"])
    record_identity_evidence(anna, person.pk, NewEvidence(
        kind="consular_interview", taken_on=clock.today(), nationality="PK"))
    assert _status(person, "PK")[0] == "complete"


@pytest.fixture
def strict_rules() -> Iterator[None]:
    """Rules supplied from elsewhere (as the readmission instruments will): no interview."""

    class Strict:
        def rule_for(self, country: str, on: date) -> dossier.EvidenceRule:
            rule = dossier.RulesFromFile().rule_for(country, on)
            return replace(rule, interview_replaces_evidence=False, verified=True,
                           source="test instrument")

    before = dossier._rules[0]
    dossier.use_rules(Strict())
    yield
    dossier.use_rules(before)


def test_the_rules_can_come_from_another_source(anna, strict_rules):
    person = person_for(anna)
    record_identity_evidence(anna, person.pk, NewEvidence(
        kind="consular_interview", taken_on=clock.today(), nationality="PK"))
    result = dossier.evaluate(person, "PK", clock.today())
    assert result.status == "prima_facie"
    assert result.warnings == [] and result.rule.source == "test instrument"
    assert not any("interview" in m for m in result.missing)


def test_evidence_is_checked_audited_and_noted_on_open_cases(anna, lucas, lotte):
    case = case_for(anna)
    with pytest.raises(InvalidInput) as refused:
        record_identity_evidence(anna, case.person_id, NewEvidence(
            kind="biometrics", taken_on=clock.today() + timedelta(days=1), quality="great",
            nationality="ZZ"))
    assert set(refused.value.errors) == {"taken_on", "quality", "reference", "nationality"}
    with pytest.raises(NotVisible):
        record_identity_evidence(lucas, case.person_id, NewEvidence(
            kind="interview", taken_on=clock.today()))
    with pytest.raises(PermissionRefused):
        record_identity_evidence(lotte, case.person_id, NewEvidence(
            kind="interview", taken_on=clock.today()))
    record_identity_evidence(anna, case.person_id, NewEvidence(
        kind="interview", taken_on=clock.today(), summary="consistent account"),
        reason="intake interview")
    event = CaseEvent.objects.get(case=case, type="identity_evidence_recorded")
    assert event.payload["evidence"]["kind"] == "interview"
    assert AccessLogEntry.objects.filter(object_type="identity_evidence",
                                         operation="write").count() == 1


def test_the_api_records_evidence_and_answers_the_dossier(client, anna, lucas):
    person = person_for(anna)
    created = client.post(
        f"/api/v1/people/{person.pk}/evidence",
        {"kind": "consular_interview", "taken_on": clock.today().isoformat(),
         "nationality": "pk"},
        content_type="application/json", headers=bearer(anna))
    assert created.status_code == 201, created.content
    url = f"/api/v1/people/{person.pk}/dossier?country=PK"
    answer = client.get(url, headers={**bearer(anna), "X-Retour-Reason": "request to PK"})
    assert answer.status_code == 200
    body = answer.json()
    assert (body["status"], body["items"][0]["counts_as"]) == ("complete", "proof")
    assert body["rules_verified"] is False and "2010/649/EU" in body["rules_source"]
    read = AccessLogEntry.objects.get(object_type="identification_dossier")
    assert read.reason == "request to PK"
    assert client.get(url, headers=bearer(lucas)).status_code == 404
