"""The identification dossier page (per country of return: status, what counts and why, what
is missing, unverified rules marked) and the page that records identity evidence other than
a document, through the Django test client."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from retour.api.tests.conftest import TODAY
from retour.audit.models import AccessLogEntry
from retour.cases.models import CaseEvent, ReturnCase
from retour.identification.actions import (
    NewDocument,
    NewEvidence,
    record_identity_document,
    record_identity_evidence,
)
from retour.identification.models import IdentityEvidence
from retour.testing.factories import case_for
from retour.web.tests.test_case_page import case_url, client_of, field_error, form_values

pytestmark = pytest.mark.usefixtures("frozen_clock")


def dossier_url(case: ReturnCase) -> str:
    return f"/people/{case.person_id}/identification/"


def evidence_url(case: ReturnCase) -> str:
    return f"/people/{case.person_id}/identification/evidence/new/"


def section(html: str, code: str) -> str:
    begin = html.index(f'id="dossier-{code}-title"')
    return html[begin:html.index("</section>", begin)]


def _recorded(user: Any, case: ReturnCase) -> None:
    """A copy of a Moroccan passport, a language analysis pointing to Morocco and a biometric
    reference: prima facie evidence for Morocco, nothing that proves it."""
    record_identity_document(user, case.person_id, NewDocument(
        kind="passport", form="copy", number="MA1234567", issuing_country="MA",
        issued_on=TODAY - timedelta(days=400), expires_on=TODAY + timedelta(days=900)))
    record_identity_evidence(user, case.person_id, NewEvidence(
        kind="language_analysis", taken_on=TODAY - timedelta(days=3), nationality="MA",
        reference="TA-2026-118", quality="good", summary="Moroccan Darija, Casablanca region."))
    record_identity_evidence(user, case.person_id, NewEvidence(
        kind="biometrics", taken_on=TODAY - timedelta(days=10), reference="BVV-88213",
        quality="usable"))


# ---------------------------------------------------------------------------------------------
# The dossier


def test_the_dossier_says_per_nationality_what_counts_and_what_is_missing(anna):
    case = case_for(anna)
    _recorded(anna, case)
    response = client_of(anna).get(dossier_url(case))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Identification dossier – Retour</title>" in html
    assert "Karim Haddad" in html and "born May 17, 1994" in html
    morocco = section(html, "MA")
    assert "Return to Morocco" in morocco and "Nationality claimed." in morocco
    assert ('<span class="utrecht-status-badge utrecht-status-badge--warning">prima facie '
            "evidence</span>") in morocco
    rows = morocco.split('<tr class="utrecht-table__row">')[2:]
    assert len(rows) == 3
    passport, biometrics, language = rows  # documents first, then evidence by date
    assert "Passport" in passport and "MA1234567" in passport
    assert "valid until <time datetime=\"2028-08-18\">" in passport
    assert "prima facie evidence of nationality" in passport and "a copy" in passport
    assert "Biometric data taken" in biometrics and "BVV-88213" in biometrics
    assert "supports, does not show nationality" in biometrics
    assert "Language analysis" in language and "taken on" in language
    assert "Feb. 27, 2026" in language
    assert ("A document that proves nationality, issued by Morocco: identity card, "
            "laissez-passer / emergency travel document, passport") in morocco
    assert "Or an identification interview by the consulate of Morocco" in morocco
    assert 'utrecht-status-badge--warning">unverified</span>' in morocco
    # every piece of other evidence, counted or not, with who recorded it
    evidence = html[html.index('id="evidence-title"'):]
    assert "Moroccan Darija, Casablanca region." in evidence and "Anna de Vries" in evidence
    assert "usable" in evidence and "BVV-88213" in evidence


def test_proof_makes_the_dossier_complete_and_nothing_is_missing(anna):
    case = case_for(anna)
    record_identity_evidence(anna, case.person_id, NewEvidence(
        kind="consular_interview", taken_on=TODAY, nationality="MA"))
    morocco = section(client_of(anna).get(dossier_url(case)).content.decode(), "MA")
    assert 'utrecht-status-badge--success">complete</span>' in morocco
    assert "<strong>proves nationality</strong>" in morocco
    assert "What is missing" not in morocco


def test_another_country_of_return_can_be_chosen(anna):
    case = case_for(anna)
    record_identity_document(anna, case.person_id, NewDocument(
        kind="passport", form="original", number="GM1", issuing_country="GM",
        expires_on=TODAY - timedelta(days=1)))
    client = client_of(anna)
    html = client.get(dossier_url(case), {"country": "gm"}).content.decode()
    assert 'id="dossier-MA-title"' in html
    gambia = section(html, "GM")
    assert "Return to Gambia" in gambia and "Not a nationality recorded" in gambia
    assert "expired on 2026-03-01" in gambia  # the Gambian arrangement's rule
    refused = client.get(dossier_url(case), {"country": "XX"})
    assert refused.status_code == 422
    assert "Select a valid choice" in field_error(refused.content.decode(), "country")


def test_reading_the_dossier_is_in_the_access_log(anna):
    case = case_for(anna)
    _recorded(anna, case)
    before = AccessLogEntry.objects.count()
    client_of(anna).get(dossier_url(case), {"country": "PK"})
    entries = list(AccessLogEntry.objects.order_by("sequence")[before:])
    assert [(e.operation, e.object_type, e.channel) for e in entries] == [
        ("read", "identification_dossier", "web"), ("read", "identity_document", "web"),
        ("read", "identity_evidence", "web"),
    ]
    assert all(e.person_ids == [str(case.person_id)] for e in entries)
    assert entries[0].search_terms == {"countries": ["MA", "PK"]}
    assert len(entries[2].object_ids) == 2


@pytest.mark.parametrize("outsider", ["lucas", "eva"])
def test_a_person_of_another_member_state_is_not_found(anna, outsider, request):
    case = case_for(anna)
    client = client_of(request.getfixturevalue(outsider))
    assert client.get(dossier_url(case)).status_code == 404
    assert client.get(evidence_url(case)).status_code == 404
    assert client_of(anna).get(f"/people/{uuid.uuid4()}/identification/").status_code == 404


def test_the_case_page_links_to_the_dossier_and_the_evidence_form(anna, ruud):
    case = case_for(anna)
    html = client_of(anna).get(case_url(case)).content.decode()
    assert f'href="{dossier_url(case)}">Identification dossier</a>' in html
    assert f'href="{evidence_url(case)}">Record other identity evidence</a>' in html
    dossier_page = client_of(anna).get(dossier_url(case)).content.decode()
    assert f'href="{evidence_url(case)}"' in dossier_page
    assert f'href="/cases/{case.pk}/documents/new/"' in dossier_page
    # an auditor reads the dossier, but records nothing
    html = client_of(ruud).get(case_url(case)).content.decode()
    assert f'href="{dossier_url(case)}"' in html and evidence_url(case) not in html
    assert evidence_url(case) not in client_of(ruud).get(dossier_url(case)).content.decode()


def test_the_dossier_in_dutch(anna):
    case = case_for(anna)
    _recorded(anna, case)
    html = client_of(anna).get(dossier_url(case), headers={"accept-language": "nl"})
    text = html.content.decode()
    assert "<title>Identificatiedossier – Retour</title>" in text
    assert "Terugkeer naar Marokko" in text and "begin van bewijs" in text
    assert "een kopie" in text and "niet geverifieerd" in text


# ---------------------------------------------------------------------------------------------
# Recording evidence


def _filled(client: Client, case: ReturnCase, **changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = form_values(client.get(evidence_url(case)).content.decode(),
                                         evidence_url(case))
    values.update(kind="interview", taken_on=TODAY.isoformat(), nationality="MA",
                  summary="Says he grew up in Casablanca; knows the district well.")
    values.update(changes)
    return {k: v for k, v in values.items() if v not in ("", [], None)}


def _nothing_stored() -> None:
    assert not IdentityEvidence.objects.exists()
    assert not CaseEvent.objects.filter(type="identity_evidence_recorded").exists()


def test_the_evidence_form_shows_the_person_and_its_fields(anna):
    case = case_for(anna)
    response = client_of(anna).get(evidence_url(case))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Record other identity evidence – Retour</title>" in html
    assert f'<a class="utrecht-breadcrumb-nav__link" href="{dossier_url(case)}">' in html
    assert "Karim Haddad" in html and "never images" in html
    values = form_values(html, evidence_url(case))
    assert values["taken_on"] == [TODAY.isoformat()]
    assert set(values) >= {"nationality", "reference", "summary", "reason"}
    for kind in IdentityEvidence.Kind.values:
        assert f'type="radio" name="kind" value="{kind}"' in html
    assert 'type="file"' not in html
    entry = AccessLogEntry.objects.order_by("-sequence").first()
    assert entry is not None
    assert (entry.operation, entry.object_type, entry.person_ids) == (
        "read", "person", [str(case.person_id)])


def test_recording_evidence_returns_to_the_dossier_with_a_confirmation(anna):
    case = case_for(anna)
    client = client_of(anna)
    response = client.post(evidence_url(case), _filled(client, case, reason="at intake"))
    assert response.status_code == 302 and response["Location"] == dossier_url(case)
    evidence = IdentityEvidence.objects.get(person=case.person_id)
    assert (evidence.kind, evidence.taken_on, evidence.nationality_id) == (
        "interview", TODAY, "MA")
    event = case.events.latest("sequence")
    assert (event.type, event.reason) == ("identity_evidence_recorded", "at intake")
    assert AccessLogEntry.objects.filter(operation="write", object_type="identity_evidence",
                                         channel="web").count() == 1
    html = client.get(dossier_url(case)).content.decode()
    assert "The evidence “identification interview” is recorded." in html
    assert "Says he grew up in Casablanca" in html


def test_a_biometric_reference_is_recorded_with_its_quality(anna):
    case = case_for(anna)
    client = client_of(anna)
    response = client.post(evidence_url(case), _filled(
        client, case, kind="biometrics", nationality="", reference="BVV-1", quality="good",
        summary=""))
    assert response.status_code == 302
    evidence = IdentityEvidence.objects.get()
    assert (evidence.reference, evidence.quality, evidence.nationality_id) == (
        "BVV-1", "good", None)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"kind": ""}, "kind", "This field is required."),
        ({"kind": "photo"}, "kind", "Select a valid choice."),
        ({"taken_on": ""}, "taken_on", "This field is required."),
        ({"taken_on": "2026-02-30"}, "taken_on", "Enter a valid date."),
        ({"taken_on": (TODAY + timedelta(days=1)).isoformat()}, "taken_on",
         "2026-03-03 is in the future"),
        ({"kind": "biometrics", "reference": ""}, "reference",
         "give the reference in the national biometric system"),
        ({"nationality": "XX"}, "nationality", "Select a valid choice."),
        ({"quality": "excellent"}, "quality", "Select a valid choice."),
        ({"reference": "x" * 101}, "reference", "at most 100 characters"),
    ],
)
def test_a_refusal_is_shown_next_to_its_field_and_saves_nothing(anna, change, field, message):
    case = case_for(anna)
    client = client_of(anna)
    response = client.post(evidence_url(case), _filled(client, case, **change))
    assert response.status_code == 422
    html = response.content.decode()
    assert message in field_error(html, field)
    assert "Please correct the following" in html
    typed = form_values(html, evidence_url(case))["summary"]  # what was typed stays
    assert typed == ["Says he grew up in Casablanca; knows the district well."]
    _nothing_stored()


def test_a_role_that_does_not_record_identification_work_is_refused(anna, ruud):
    case = case_for(anna)
    client = client_of(ruud)
    assert client.get(evidence_url(case)).status_code == 403
    response = client.post(evidence_url(case), {"kind": "interview",
                                                "taken_on": TODAY.isoformat()})
    assert response.status_code == 403
    assert "Your role does not allow recording identity evidence." in response.content.decode()
    _nothing_stored()


def test_the_evidence_form_in_dutch(anna):
    case = case_for(anna)
    client = client_of(anna)
    dutch = {"accept-language": "nl"}
    html = client.get(evidence_url(case), headers=dutch).content.decode()
    assert "<title>Ander identiteitsbewijs vastleggen – Retour</title>" in html
    refused = client.post(evidence_url(case), _filled(
        client, case, kind="biometrics", reference=""), headers=dutch)
    assert "verwijzing in het nationale biometrische systeem" in field_error(
        refused.content.decode(), "reference")
