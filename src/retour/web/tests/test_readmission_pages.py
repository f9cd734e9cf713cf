"""The readmission pages: the member state's requests by country and status, overdue first;
one request with its instrument's rules (unverified values marked), due dates, evidence,
travel-document warnings and the steps open now; drafting a request from the case page.
Who may see and act, the refusals next to the fields, the history and the access log."""

from __future__ import annotations

import inspect
from datetime import timedelta

import pytest

from retour import clock
from retour.audit.models import AccessLogEntry
from retour.cases.models import CaseEvent, Timer
from retour.cases.tests import support as s
from retour.readmission import actions as ra
from retour.readmission.models import SUBJECT, ReadmissionRequest, ReadmissionTimer
from retour.readmission.procedure import taken_on_a_request
from retour.readmission.rules import CHOICES, FLAGS, LISTS, PERIODS, RuleName
from retour.readmission.tests.test_requests import _submitted, _with_evidence
from retour.web.readmission.forms_requests import STEP_FORMS
from retour.web.tests.test_case_page import case_url, client_of, field_error

pytestmark = pytest.mark.usefixtures("frozen_clock")
S = ReadmissionRequest.Status


def _url(request: ReadmissionRequest, step: str = "") -> str:
    return f"/readmission/{request.pk}/" + (f"steps/{step}/" if step else "")


def _overdue(request: ReadmissionRequest, days: int) -> None:
    Timer.objects.filter(subject=SUBJECT, subject_key=str(request.pk),
                         kind=ReadmissionTimer.REPLY).update(
        due_on=clock.today() - timedelta(days=days)
    )


def test_every_rule_and_reply_the_pages_show_has_its_words():
    # The rules of an instrument and the replies the action takes are listed in code of their
    # own; the page words them by ``RuleName`` and ``ReplyOutcome``.
    assert set(RuleName.values) == {*PERIODS, *FLAGS, *LISTS, *CHOICES}
    assert set(ReadmissionRequest.ReplyOutcome.values) == set(ra.REPLY_OUTCOMES)


def test_every_step_an_officer_takes_has_a_form_of_its_arguments():
    """One form per step a person takes (made from its input schema), its fields the action's
    arguments, its prefix keeping their ids apart from the other steps' on the page."""
    assert list(STEP_FORMS) == [a.name for a in taken_on_a_request()]
    for action, form_class in STEP_FORMS.items():
        arguments = inspect.signature(getattr(ra, action)).parameters
        assert set(form_class.base_fields) <= set(arguments) - {"channel"}, action
    prefixes = [form_class().prefix for form_class in STEP_FORMS.values()]
    assert len(set(prefixes)) == len(prefixes)


def test_the_list_puts_overdue_first_filters_by_country_and_status_and_is_logged(anna, lucas):
    later = _submitted(anna, "PK")
    late = _submitted(anna, "UA")
    _overdue(late, 4)
    draft = ra.draft_readmission_request(anna, _with_evidence(anna, "GE").pk, third_country="GE")
    closed = ra.withdraw_readmission_request(anna, _submitted(anna, "LK").pk, reason="mix-up")
    _submitted(lucas, "PK")
    html = client_of(anna).get("/readmission/").content.decode()
    assert "4 requests" in html
    # the closed request is the newest, yet comes after the open ones
    at = [html.index(r.reference) for r in (late, later, draft, closed)]
    assert at == sorted(at)
    assert "4 days overdue" in html and "retour-due--danger" in html
    assert "30 days left" in html and "EU–Pakistan readmission agreement, version 1" in html
    # the due dates rest on rules not checked against the text: Pakistan's reply limit is seen
    # in a secondary source only, Ukraine's is a placeholder
    assert "rule: secondary source" in html and "rule: unverified" in html
    assert f'href="/readmission/{late.pk}/"' in html and "submitted" in html
    assert 'href="/readmission/"' in html  # in the main navigation
    entry = AccessLogEntry.objects.get(object_type="readmission_request")
    assert entry.operation == "search" and entry.channel == "web"
    assert set(entry.object_ids) == {str(r.pk) for r in (late, later, draft, closed)}
    assert str(late.case.person_id) in entry.person_ids

    swapped = client_of(anna).get("/readmission/?country=ua&status=", HTTP_HX_REQUEST="true")
    text = swapped.content.decode()
    assert swapped.status_code == 200 and "<h1" not in text
    assert late.reference in text and later.reference not in text
    assert AccessLogEntry.objects.filter(search_terms={"country": "UA"}).count() == 1
    drafts = client_of(anna).get("/readmission/?status=draft").content.decode()
    assert draft.reference in drafts and late.reference not in drafts
    none = client_of(anna).get("/readmission/?country=AF").content.decode()
    assert "No requests match these filters." in none


def test_the_list_says_when_there_is_nothing_and_who_may_see_it(anna, tom):
    assert "No readmission requests yet." in client_of(anna).get("/readmission/").content.decode()
    assert client_of(tom).get("/readmission/").status_code == 403


def test_the_request_page_shows_the_rules_with_their_verification(anna):
    request = _submitted(anna, "PK")
    html = client_of(anna).get(_url(request)).content.decode()
    assert f"Readmission request {request.reference}" in html
    assert "EU–Pakistan readmission agreement, version 1" in html
    assert "Council Decision 2010/649/EU" in html
    assert "30 calendar days" in html and "3 months" in html
    # the reply limit is seen only in a secondary source, the shared annex rules are not
    # checked per agreement; a verified rule (the transfer window) has no badge
    assert 'utrecht-status-badge--warning">secondary source<' in html
    assert 'utrecht-status-badge--warning">unverified<' in html
    transfer = html[html.index("Transfer within"):]
    assert "badge" not in transfer[:transfer.index("</tr>")]
    assert "Reply due" in html and "30 days left" in html
    assert "rule: secondary source" in html
    assert "Language analysis: prima facie evidence of nationality" in html
    assert f'href="/cases/{request.case_id}/#history-title"' in html
    assert "Record the acknowledgement" in html and "Withdraw the readmission request" in html
    assert f'value="{clock.today().isoformat()}"' in html  # dates default to today
    entry = AccessLogEntry.objects.get(object_type="readmission_request", operation="read")
    assert entry.object_ids == [str(request.pk)]
    assert entry.person_ids == [str(request.case.person_id)]
    ukraine = client_of(anna).get(_url(_submitted(anna, "UA"))).content.decode()
    assert 'utrecht-status-badge--warning">unverified<' in ukraine  # a placeholder to confirm


def test_other_member_states_see_nothing_and_the_auditor_takes_no_step(anna, lucas, ruud):
    request = _submitted(anna, "PK")
    assert client_of(lucas).get(_url(request)).status_code == 404
    assert (
        client_of(lucas)
        .post(_url(request, "withdraw-readmission-request"), {"withdraw-reason": "x"})
        .status_code
        == 404
    )
    assert client_of(anna).get("/readmission/999999/").status_code == 404
    audited = client_of(ruud).get(_url(request))
    assert audited.status_code == 200 and "Withdraw the request" not in audited.content.decode()
    refused = client_of(ruud).post(
        _url(request, "withdraw-readmission-request"), {"withdraw-reason": "wrong country"}
    )
    assert refused.status_code == 403
    assert client_of(anna).post(_url(request, "record-tacit-acceptance")).status_code == 404
    request.refresh_from_db()
    assert request.status == S.SUBMITTED
    assert 'href="/readmission/"' not in client_of(ruud).get("/").content.decode()


def test_a_step_puts_refusals_next_to_its_fields(anna):
    request = _submitted(anna, "PK")
    client = client_of(anna)
    tomorrow = (clock.today() + timedelta(days=1)).isoformat()
    refused = client.post(
        _url(request, "acknowledge-readmission-request"), {"acknowledge-acknowledged_on": tomorrow}
    )
    assert refused.status_code == 422
    assert "future" in field_error(refused.content.decode(), "acknowledge-acknowledged_on")
    missing = client.post(_url(request, "acknowledge-readmission-request"), {})
    assert "required" in field_error(missing.content.decode(), "acknowledge-acknowledged_on")
    rejected = client.post(
        _url(request, "record-readmission-reply"),
        {"reply-outcome": "rejected", "reply-replied_on": clock.today().isoformat()},
    )
    assert rejected.status_code == 422
    assert "reasons" in field_error(rejected.content.decode(), "reply-reasons")
    request.refresh_from_db()
    assert request.status == S.SUBMITTED

    done = client.post(
        _url(request, "acknowledge-readmission-request"),
        {
            "acknowledge-acknowledged_on": clock.today().isoformat(),
            "acknowledge-their_reference": "PK-RCMS-7",
        },
        follow=True,
    )
    html = done.content.decode()
    assert "Record the acknowledgement: done." in html and "PK-RCMS-7" in html
    request.refresh_from_db()
    assert request.status == S.ACKNOWLEDGED
    event = CaseEvent.objects.filter(case=request.case).latest("sequence")
    assert event.type == "acknowledge_readmission_request" and event.actor == anna
    writes = AccessLogEntry.objects.filter(operation="write", channel="web")
    assert writes.filter(object_ids=[str(request.case_id)]).exists()


def test_the_travel_document_is_checked_against_the_planned_transfer(anna):
    request = _submitted(anna, "PK")
    client = client_of(anna)
    today = clock.today().isoformat()
    client.post(
        _url(request, "record-readmission-reply"),
        {"reply-outcome": "accepted", "reply-replied_on": today},
    )
    refused = client.post(
        _url(request, "record-travel-document"),
        {
            "document-kind": "laissez_passer",
            "document-number": "ETD-55",
            "document-issued_on": today,
            "document-valid_until": today,
        },
    )
    assert "after the date of issue" in field_error(
        refused.content.decode(), "document-valid_until"
    )
    client.post(
        _url(request, "record-travel-document"),
        {
            "document-kind": "laissez_passer",
            "document-number": "ETD-55",
            "document-issued_on": today,
            "document-valid_until": (clock.today() + timedelta(days=60)).isoformat(),
        },
    )
    html = client.get(_url(request)).content.decode()
    assert "Check the travel document" in html
    assert "before the planned transfer" in html and "less than the instrument" in html
    assert "ETD-55" in html and "Record the travel document used" in html


def test_an_overdue_request_is_escalated_as_an_obstacle(anna):
    request = _submitted(anna, "UA")
    client = client_of(anna)
    not_yet = client.post(
        _url(request, "escalate-readmission-request"),
        {"escalate-description": "No answer from the consulate."},
    )
    assert not_yet.status_code == 409 and "not overdue" in not_yet.content.decode()
    _overdue(request, 2)
    empty = client.post(_url(request, "escalate-readmission-request"), {"escalate-description": ""})
    assert empty.status_code == 422
    assert field_error(empty.content.decode(), "escalate-description")
    client.post(
        _url(request, "escalate-readmission-request"),
        {"escalate-description": "No answer from the consulate."},
    )
    html = client.get(_url(request)).content.decode()
    assert "Obstacles" in html and "No answer from the consulate." in html
    missing = client.post(_url(request, "withdraw-readmission-request"), {"withdraw-reason": ""})
    assert field_error(missing.content.decode(), "withdraw-reason")


def test_the_case_page_lists_requests_and_drafts_one(anna, ruud):
    case = s.voluntary_departure(anna, claimed_nationalities=["PK"])
    page = client_of(anna).get(case_url(case)).content.decode()
    assert "No readmission requests for this case." in page
    assert '<option value="PK" selected>' in page
    assert "Draft a readmission request" not in client_of(ruud).get(case_url(case)).content.decode()
    accelerated = client_of(anna).post(
        f"/cases/{case.pk}/readmission/new/", {"third_country": "PK", "procedure": "accelerated"}
    )
    assert accelerated.status_code == 422
    assert "apprehension" in field_error(accelerated.content.decode(), "apprehended_on")
    assert (
        client_of(ruud)
        .post(f"/cases/{case.pk}/readmission/new/", {"third_country": "PK", "procedure": "normal"})
        .status_code
        == 403
    )
    made = client_of(anna).post(
        f"/cases/{case.pk}/readmission/new/",
        {"third_country": "PK", "procedure": "normal"},
        follow=True,
    )
    request = ReadmissionRequest.objects.get(case=case)
    assert made.redirect_chain == [(_url(request), 302)]
    assert f"Request {request.reference} is drafted." in made.content.decode()
    assert "Submit the readmission request" in made.content.decode()
    page = client_of(anna).get(case_url(case)).content.decode()
    assert f'href="/readmission/{request.pk}/"' in page
    assert "Draft a readmission request" in page  # the history names the event
    assert f"{request.reference} to Pakistan: draft" in page


def test_a_case_before_its_return_decision_says_why_no_request_can_be_drafted(anna):
    case = s.legal_stay_ended(anna)
    page = client_of(anna).get(case_url(case)).content.decode()
    assert "is not possible in the stage “legal stay ended”" in page
    assert f'action="/cases/{case.pk}/readmission/new/"' not in page
    refused = client_of(anna).get(f"/cases/{case.pk}/readmission/new/").content.decode()
    assert "is not possible in the stage" in refused


def test_a_draft_says_what_the_dossier_would_attach_and_what_is_missing(anna):
    case = s.voluntary_departure(anna)
    draft = ra.draft_readmission_request(anna, case.pk, third_country="PK")
    client = client_of(anna)
    empty = client.get(_url(draft)).content.decode()
    assert "The dossier holds no evidence for Pakistan yet: the request cannot be submitted." \
        in empty
    assert "A document that proves nationality, issued by Pakistan" in empty

    prima_facie = client.get(_url(ra.draft_readmission_request(
        anna, _with_evidence(anna).pk, third_country="PK"))).content.decode()
    assert "Evidence of nationality if submitted today" in prima_facie
    assert "The request would go to Pakistan without proof of nationality." in prima_facie

    submitted = client.get(_url(_submitted(anna))).content.decode()
    assert "if submitted today" not in submitted and "What is missing" not in submitted
