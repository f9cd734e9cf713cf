"""Identity documents and non-cooperation on the case page, and the page that records a
document: the form calls ``record_identity_document``, puts its refusals next to the fields (a
zone's lines under the zone), offers to record a zone whose check digits fail as unverified,
and reads a zone without storing anything."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client

from retour import clock
from retour.api.tests.conftest import NOW, TODAY
from retour.audit.models import AccessLogEntry
from retour.cases.models import CaseEvent, ReturnCase
from retour.identification.actions import NewDocument, record_identity_document
from retour.identification.models import IdentityDocument
from retour.identification.tests.test_documents import passport_zone
from retour.testing.actions import actions
from retour.testing.factories import case_for
from retour.web.tests.test_case_page import (
    case_url,
    client_of,
    field_error,
    form_url,
    form_values,
)

pytestmark = pytest.mark.usefixtures("frozen_clock")


def page_url(case: ReturnCase) -> str:
    return f"/cases/{case.pk}/documents/new/"


def zone_url(case: ReturnCase) -> str:
    return f"/cases/{case.pk}/documents/zone/"


def wrong_check_digit(zone: list[str]) -> list[str]:
    """The zone with the document number's check digit one off."""
    line = zone[1]
    return [zone[0], line[:9] + str((int(line[9]) + 1) % 10) + line[10:]]


def _between(html: str, start: str, end: str) -> str:
    begin = html.index(start)
    return html[begin:html.index(end, begin)]


def documents_section(html: str) -> str:
    return _between(html, 'id="documents-title"', "</section>")


def _filled(client: Client, case: ReturnCase, **changes: Any) -> dict[str, Any]:
    """The form as the page offers it, with a passport by its zone and ``changes``."""
    values: dict[str, Any] = form_values(client.get(page_url(case)).content.decode(),
                                         page_url(case))
    values.update(kind="passport", form="original", zone="\n".join(passport_zone()),
                  kept_at="case file")
    values.update(changes)
    return {k: v for k, v in values.items() if v not in ("", [], None)}


def _nothing_stored() -> None:
    assert not IdentityDocument.objects.exists()
    assert not CaseEvent.objects.filter(type="identity_document_recorded").exists()
    assert not AccessLogEntry.objects.filter(operation="write",
                                             object_type="identity_document").exists()


# ---------------------------------------------------------------------------------------------
# The case page


def test_the_case_page_lists_the_documents_and_marks_the_expired_and_unverified(anna):
    case = case_for(anna)
    documents = [
        NewDocument(kind="passport", form="original", kept_at="case file", zone=passport_zone()),
        NewDocument(kind="identity_card", form="copy", number="ZX81", issuing_country="AF",
                    expires_on=TODAY - timedelta(days=1)),
        NewDocument(kind="passport", form="copy", confirm_unverified=True,
                    zone=wrong_check_digit(passport_zone("P07654321"))),
    ]
    for minutes, document in enumerate(documents):  # listed in the order recorded
        with clock.frozen_at(NOW + timedelta(minutes=minutes)):
            record_identity_document(anna, case.person_id, document)
    html = client_of(anna).get(case_url(case)).content.decode()
    rows = documents_section(html).split('<tr class="utrecht-table__row">')[2:]
    assert len(rows) == 3
    valid, expired, unverified = rows
    assert "Passport <span" in valid and "P01234567" in valid and "Afghanistan" in valid
    assert "May 14, 2031" in valid and "original" in valid and "case file" in valid
    assert "verified" in valid and "expired" not in valid and "badge" not in valid
    assert "Identity card" in expired and "ZX81" in expired
    assert ('March 1, 2026 <span class="utrecht-status-badge utrecht-status-badge--danger">'
            "expired</span>") in expired
    assert "copy" in expired and "not read" in expired
    assert ('<span class="utrecht-status-badge utrecht-status-badge--warning">unverified</span>'
            in unverified)
    assert "check digits failed" in unverified and "P07654321" in unverified


def test_a_document_valid_until_today_has_not_expired(anna):
    case = case_for(anna)
    record_identity_document(anna, case.person_id, NewDocument(
        kind="residence_permit", form="original", number="NL1", expires_on=TODAY))
    section = documents_section(client_of(anna).get(case_url(case)).content.decode())
    assert "March 2, 2026" in section and "expired" not in section


def test_the_case_page_links_to_the_form_for_those_who_record_identification_work(anna, ruud):
    case = case_for(anna)
    link = f'href="{page_url(case)}">Record a document</a>'
    section = documents_section(client_of(anna).get(case_url(case)).content.decode())
    assert "No documents recorded." in section and link in section
    assert link not in client_of(ruud).get(case_url(case)).content.decode()


def test_the_documents_shown_are_in_the_access_log(anna):
    case = case_for(anna)
    client = client_of(anna)
    client.get(case_url(case))
    assert not AccessLogEntry.objects.filter(operation="read",
                                             object_type="identity_document").exists()
    document = record_identity_document(anna, case.person_id, NewDocument(
        kind="birth_certificate", form="copy"))
    client.get(case_url(case))
    case_read, documents_read = AccessLogEntry.objects.order_by("-sequence")[:2][::-1]
    assert (case_read.object_type, case_read.object_ids) == ("return_case", [str(case.pk)])
    assert (documents_read.operation, documents_read.object_type, documents_read.channel) == (
        "read", "identity_document", "web")
    assert documents_read.object_ids == [str(document.pk)]
    assert documents_read.person_ids == [str(case.person_id)]


def test_the_non_cooperation_section_lists_the_acts_when_there_are_any(anna):
    case = case_for(anna)
    client = client_of(anna)
    html = client.get(case_url(case)).content.decode()
    assert 'id="non-cooperation-title"' not in html
    assert f'href="{form_url(case, "record_non_cooperation")}">Record non-cooperation</a>' in html
    actions.record_non_cooperation(
        anna, case.pk, kind="refused_to_attend", occurred_on=TODAY - timedelta(days=2),
        evidence="Did not come to the embassy appointment.\nNo reason given.",
        consequence="risk_of_absconding",
    )
    html = client.get(case_url(case)).content.decode()
    section = _between(html, 'id="non-cooperation-title"', "</section>")
    assert "Refused to attend an interview or appointment" in section
    assert "Feb. 28, 2026" in section
    assert "Indicator of a risk of absconding (Directive 2008/115/EC Art. 3(7))" in section
    assert "Did not come to the embassy appointment.<br>No reason given." in section
    assert "Anna de Vries" in section
    history = html[html.index('id="history-title"'):]
    assert "Record non-cooperation" in history


# ---------------------------------------------------------------------------------------------
# The form


def test_the_form_shows_the_case_and_its_fields(anna):
    case = case_for(anna)
    response = client_of(anna).get(page_url(case))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Record a document – Retour</title>" in html
    crumb = f'href="{case_url(case)}">Case {case.number}</a>'
    assert f'<a class="utrecht-breadcrumb-nav__link" {crumb}' in html
    assert 'aria-current="page">Record a document</span>' in html
    assert "Karim Haddad" in html
    values = form_values(html, page_url(case))
    assert "csrfmiddlewaretoken" in values
    assert set(values) >= {"zone", "number", "issuing_country", "issued_on", "expires_on",
                           "kept_at", "reason"}
    textarea = re.search(r"<textarea [^>]*>", html)
    assert textarea is not None
    for attribute in ('name="zone"', 'autocomplete="off"', 'spellcheck="false"', 'wrap="off"'):
        assert attribute in textarea[0]
    assert 'type="radio" name="form" value="copy"' in html
    assert '<option value="AF">Afghanistan</option>' in html
    assert f'hx-post="{zone_url(case)}"' in html
    # Offered only after a zone whose check digits fail.
    assert "confirm_unverified" not in html
    entry = AccessLogEntry.objects.order_by("-sequence").first()
    assert entry is not None
    assert (entry.operation, entry.object_type) == ("read", "person")
    assert entry.person_ids == [str(case.person_id)]


def test_recording_by_the_zone_returns_to_the_case_with_a_confirmation(anna):
    case = case_for(anna)
    client = client_of(anna)
    response = client.post(page_url(case), _filled(client, case, reason="copy at intake"))
    assert response.status_code == 302 and response["Location"] == case_url(case)
    document = IdentityDocument.objects.get(person=case.person_id)
    assert (document.number, document.issuing_country_id, document.expires_on) == (
        "P01234567", "AF", date(2031, 5, 14))
    assert document.zone_status == IdentityDocument.ZoneStatus.VERIFIED
    assert document.zone.splitlines() == passport_zone()
    event = case.events.latest("sequence")
    assert (event.type, event.reason) == ("identity_document_recorded", "copy at intake")
    html = client.get(case_url(case)).content.decode()
    assert "The document “passport” is recorded." in html
    assert "P01234567" in documents_section(html)


def test_blank_lines_and_blanks_around_the_zone_are_not_part_of_it(anna):
    case = case_for(anna)
    client = client_of(anna)
    first, second = passport_zone()
    zone = f"\n  {first}  \r\n\r\n{second}\n\n"
    assert client.post(page_url(case), _filled(client, case, zone=zone)).status_code == 302
    assert IdentityDocument.objects.get().zone.splitlines() == passport_zone()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"kind": ""}, "kind", "This field is required."),
        ({"form": ""}, "form", "This field is required."),
        ({"issued_on": "2026-02-30"}, "issued_on", "Enter a valid date."),
        ({"number": "P01234568"}, "number", "the machine-readable zone says P01234567"),
        ({"issuing_country": "IR"}, "issuing_country", "the machine-readable zone says AF"),
        ({"expires_on": "2031-05-15"}, "expires_on", "the machine-readable zone says 2031-05-14"),
        ({"issued_on": (TODAY + timedelta(days=1)).isoformat()}, "issued_on",
         "2026-03-03 is in the future"),
        ({"kind": "laissez_passer", "zone": ""}, "number",
         "a laissez-passer / emergency travel document has a number"),
        ({"zone": "", "number": "P1", "issued_on": "2026-01-10", "expires_on": "2026-01-09"},
         "expires_on", "cannot be before the date of issue"),
    ],
)
def test_a_refusal_is_shown_next_to_its_field_and_saves_nothing(anna, change, field, message):
    case = case_for(anna)
    client = client_of(anna)
    response = client.post(page_url(case), _filled(client, case, **change))
    assert response.status_code == 422
    html = response.content.decode()
    assert message in field_error(html, field)
    assert "Please correct the following" in html
    if "zone" not in change:  # what was typed stays
        assert form_values(html, page_url(case))["zone"] == ["\n".join(passport_zone())]
    _nothing_stored()


def test_lines_that_are_not_a_zone_are_named_under_the_zone_and_cannot_be_confirmed(anna):
    case = case_for(anna)
    client = client_of(anna)
    first, second = passport_zone()
    zone = f"{first}\n{second[:15]}O{second[16:40]}"
    response = client.post(page_url(case), _filled(client, case, zone=zone))
    assert response.status_code == 422
    html = response.content.decode()
    assert "line 2: expected 44 characters, found 40" in field_error(html, "zone")
    assert 'name="confirm_unverified"' not in html
    one_line = client.post(page_url(case), _filled(client, case, zone=first))
    assert "expected 2 lines" in field_error(one_line.content.decode(), "zone")
    assert 'name="confirm_unverified"' not in one_line.content.decode()
    _nothing_stored()


def test_a_zone_whose_check_digits_fail_is_recorded_only_when_confirmed_as_unverified(anna):
    case = case_for(anna)
    client = client_of(anna)
    zone = "\n".join(wrong_check_digit(passport_zone()))
    response = client.post(page_url(case), _filled(client, case, zone=zone))
    assert response.status_code == 422
    html = response.content.decode()
    error = field_error(html, "zone")
    assert "the zone does not check: document number (printed" in error
    assert 'type="checkbox" name="confirm_unverified"' in html
    assert "Record the zone as unverified" in html
    _nothing_stored()

    values = form_values(html, page_url(case))
    assert values["zone"] == [zone]
    values["confirm_unverified"] = ["on"]
    response = client.post(page_url(case), values)
    assert response.status_code == 302
    document = IdentityDocument.objects.get()
    assert document.zone_status == IdentityDocument.ZoneStatus.UNVERIFIED
    section = documents_section(client.get(case_url(case)).content.decode())
    assert "utrecht-status-badge--warning\">unverified</span>" in section


def test_the_confirmation_stays_offered_while_other_fields_are_corrected(anna):
    case = case_for(anna)
    client = client_of(anna)
    zone = "\n".join(wrong_check_digit(passport_zone()))
    response = client.post(page_url(case), _filled(client, case, zone=zone, form="",
                                                   confirm_unverified="on"))
    assert response.status_code == 422
    html = response.content.decode()
    assert "This field is required." in field_error(html, "form")
    assert re.search(r'<input type="checkbox" name="confirm_unverified"[^>]* checked', html)
    _nothing_stored()


def test_without_javascript_reading_the_zone_shows_it_and_keeps_the_input(anna):
    case = case_for(anna)
    client = client_of(anna)
    response = client.post(page_url(case), _filled(client, case, number="P01234567", kind="",
                                                    read_zone="1"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "The zone reads: every check digit is valid" in html
    assert "Please correct the following" not in html and "_error" not in html
    values = form_values(html, page_url(case))
    assert values["number"] == ["P01234567"] and values["zone"] == ["\n".join(passport_zone())]
    _nothing_stored()


# ---------------------------------------------------------------------------------------------
# Reading the zone (the htmx preview)


def _read(client: Client, case: ReturnCase, zone: str) -> Any:
    return client.post(zone_url(case), {"zone": zone})


def test_reading_a_valid_zone_shows_what_it_says_and_stores_nothing(anna):
    case = case_for(anna)
    client = client_of(anna)
    logged = AccessLogEntry.objects.count()
    response = _read(client, case, "\n".join(passport_zone()))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html  # a fragment to swap in
    assert "The zone reads: every check digit is valid" in html
    for fact in ("passport (P, TD3)", "Afghanistan (AFG)", "HADDAD", "KARIM", "P01234567",
                 "May 17, 1994", "male", "May 14, 2031"):
        assert fact in html, fact
    checks = re.findall(r'<li class="retour-check--(\w+)"><span aria-hidden="true">(.)</span> '
                        r"([^:]+): (valid|does not match)", html)
    assert [(c[0], c[1], c[2]) for c in checks] == [
        ("valid", "✓", "Document number"), ("valid", "✓", "Date of birth"),
        ("valid", "✓", "Date of expiry"), ("valid", "✓", "Personal number"),
        ("valid", "✓", "Composite check digit"),
    ]
    # The officer's own input, shown back: no stored data of a person is read.
    assert AccessLogEntry.objects.count() == logged
    _nothing_stored()


def test_reading_a_zone_whose_check_digits_fail_names_them(anna):
    case = case_for(anna)
    zone = wrong_check_digit(passport_zone())
    html = _read(client_of(anna), case, "\n".join(zone)).content.decode()
    assert "The zone reads, but check digits do not match" in html
    printed = zone[1][9]
    assert (f'<li class="retour-check--invalid"><span aria-hidden="true">✗</span> Document '
            f"number: does not match (printed {printed}, computed ") in html
    assert "✓</span> Date of birth: valid" in html
    _nothing_stored()


def test_reading_lines_that_are_not_a_zone_names_line_and_position(anna):
    case = case_for(anna)
    client = client_of(anna)
    first, second = passport_zone()
    html = _read(client, case, f"{first}\n{second[:15]}O{second[16:]}").content.decode()
    assert "This is not a machine-readable zone" in html
    assert "line 2, position 16: expected the date of birth YYMMDD, found &#x27;O&#x27;" in html
    assert "Type or paste the zone first." in _read(client, case, " \n").content.decode()
    too_long = _read(client, case, "<" * 201).content.decode()
    assert "Ensure this value has at most 200 characters" in too_long
    _nothing_stored()


def test_reading_a_zone_shows_its_warnings(anna):
    case = case_for(anna)
    first, second = passport_zone()
    html = _read(client_of(anna), case, f"{first.lower()}\n{second}").content.decode()
    assert "lower-case letters were read as capitals" in html
    _nothing_stored()


def test_reading_is_for_those_who_record_documents_in_the_member_state(anna, ruud, lucas):
    case = case_for(anna)
    zone = "\n".join(passport_zone())
    assert client_of(anna).get(zone_url(case)).status_code == 405
    assert _read(client_of(ruud), case, zone).status_code == 403
    assert _read(client_of(lucas), case, zone).status_code == 404


# ---------------------------------------------------------------------------------------------
# Who may


def test_a_role_that_does_not_record_identification_work_is_refused(anna, ruud):
    case = case_for(anna)
    client = client_of(ruud)
    assert client.get(page_url(case)).status_code == 403
    response = client.post(page_url(case), {"kind": "passport", "form": "original",
                                            "zone": "\n".join(passport_zone())})
    assert response.status_code == 403
    assert "Your role does not allow recording documents." in response.content.decode()
    _nothing_stored()


@pytest.mark.parametrize("outsider", ["lucas", "eva"])
def test_a_case_of_another_member_state_is_not_found(anna, outsider, request):
    case = case_for(anna)
    client = client_of(request.getfixturevalue(outsider))
    assert client.get(page_url(case)).status_code == 404
    response = client.post(page_url(case), {"kind": "passport", "form": "original",
                                            "zone": "\n".join(passport_zone())})
    assert response.status_code == 404
    _nothing_stored()


def test_a_malformed_zone_is_explained_in_dutch_with_its_line_and_position(anna):
    case = case_for(anna)
    client = client_of(anna)
    dutch = {"accept-language": "nl"}
    first, second = passport_zone()
    preview = client.post(zone_url(case), {"zone": f"{first}\n{second[:15]}O{second[16:]}"},
                          headers=dutch).content.decode()
    assert ("regel 2, positie 16: verwacht de geboortedatum JJMMDD, gevonden &#x27;O&#x27;"
            in preview)
    assert "expected" not in preview
    warned = client.post(zone_url(case), {"zone": f"{first.lower()}\n{second}"},
                         headers=dutch).content.decode()
    assert "kleine letters zijn als hoofdletters gelezen" in warned
    values = _filled(client, case, zone=f"{first}\n{second[:40]}")
    refused = client.post(page_url(case), values, headers=dutch)
    assert refused.status_code == 422
    assert "regel 2: verwacht 44 tekens, gevonden 40" in field_error(
        refused.content.decode(), "zone")
    _nothing_stored()


def test_the_form_and_the_preview_in_dutch(anna):
    case = case_for(anna)
    client = client_of(anna)
    dutch = {"accept-language": "nl"}
    html = client.get(page_url(case), headers=dutch).content.decode()
    assert "<title>Document vastleggen – Retour</title>" in html
    assert "Machineleesbare zone" in html and "De zone lezen" in html
    preview = client.post(zone_url(case), {"zone": "\n".join(passport_zone())},
                          headers=dutch).content.decode()
    assert "elk controlecijfer klopt" in preview and "14 mei 2031" in preview
    record_identity_document(anna, case.person_id, NewDocument(
        kind="passport", form="copy", zone=passport_zone(), expires_on=None))
    page = client.get(case_url(case), headers=dutch).content.decode()
    assert "Identiteitsdocumenten" in page and "kopie" in page
