"""A Dutch user reads the domain's refusals in Dutch: the reason next to the field, the legal
condition that holds an action back, the role that does not allow it. The messages are
translated when the action raises them, in the language of the request; what is stored (the
procedure document, the history) stays English."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from retour.accounts.models import User
from retour.api.tests.conftest import TODAY
from retour.api.tests.scenarios import SCENARIOS, Personas, legal_stay_ended, registered
from retour.cases import actions
from retour.cases.procedure_doc import procedure_markdown
from retour.testing.factories import case_for
from retour.web.tests.test_case_page import case_url, field_error, filled_in, form_url, writes

pytestmark = pytest.mark.usefixtures("frozen_clock")

DOC = Path(__file__).resolve().parents[4] / "docs" / "procedure.md"


@pytest.fixture
def personas(anna, pieter, sanne) -> Personas:
    return {"anna": anna, "pieter": pieter, "sanne": sanne}


def in_dutch(user: User) -> Client:
    """A signed-in client that chose Dutch with the language switch of the pages."""
    client = Client()
    client.force_login(user)
    response = client.post("/i18n/setlang/", {"language": "nl", "next": "/"})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "nl"
    return client


@pytest.mark.parametrize(
    ("field", "value", "dutch", "english"),
    [
        ("voluntary_departure_days", 45, "ten hoogste 30 dagen", "at most 30 days"),
        (
            "shortened_departure_reason", "",
            "een termijn korter dan 7 dagen of geen termijn vraagt om een reden: "
            "risk_of_absconding, manifestly_unfounded_application, threat_to_public_order "
            "(Richtlijn 2008/115/EG art. 7, lid 4)",
            "needs a reason",
        ),
    ],
)
def test_invalid_input_is_explained_in_dutch_next_to_the_field(
    field, value, dutch, english, personas
):
    case = legal_stay_ended(personas)
    client = in_dutch(personas["anna"])
    body = {**SCENARIOS["issue_return_decision"].body(case), field: value}
    if field == "shortened_departure_reason":
        body["voluntary_departure_days"] = 3
    before = writes(case)
    response = client.post(
        form_url(case, "issue_return_decision"),
        filled_in(client, case, "issue_return_decision", body),
    )
    assert response.status_code == 422
    shown = field_error(response.content.decode(), field)
    assert dutch in shown and english not in shown
    assert writes(case) == before


def test_a_legal_condition_that_refuses_the_action_is_explained_in_dutch(anna):
    case = case_for(anna)
    client = in_dutch(anna)
    reason = (
        "bij een zaak met aanleiding „afwijzing van de asielaanvraag” moet het einde van het "
        "rechtmatig verblijf zijn vastgelegd voordat een terugkeerbesluit wordt genomen"
    )
    assert reason in client.get(form_url(case, "issue_return_decision")).content.decode()
    before = writes(case)
    response = client.post(
        form_url(case, "issue_return_decision"),
        {"expected_version": 1, "decided_on": TODAY.isoformat(), "voluntary_departure_days": 30},
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert reason in html and "needs the end of legal stay" not in html
    assert writes(case) == before


def test_an_action_the_stage_does_not_allow_is_refused_in_dutch(personas):
    case = registered(personas)
    before = writes(case)
    response = in_dutch(personas["anna"]).post(
        form_url(case, "schedule_removal"),
        {"expected_version": 1, "planned_on": TODAY.isoformat()},
    )
    assert response.status_code == 409
    assert "„Uitzetting plannen” is niet mogelijk in de fase „geregistreerd”" in (
        response.content.decode()
    )
    assert writes(case) == before


def test_an_action_the_role_does_not_allow_is_refused_in_dutch(anna, ruud):
    case = case_for(anna)
    response = in_dutch(ruud).post(
        form_url(case, "close_case"), {"expected_version": 1, "outcome": "other", "reason": "x"}
    )
    assert response.status_code == 403
    html = response.content.decode()
    # Refused before the form is read (the role may never take it), in the page's words.
    assert "Uw rol staat deze handeling niet toe." in html
    assert "does not allow" not in html


def test_the_case_page_explains_in_dutch_what_holds_an_action_back(anna):
    case = case_for(anna, unaccompanied_minor=True)
    actions.record_end_of_legal_stay(anna, case.pk, decided_on=TODAY)
    html = in_dutch(anna).get(case_url(case)).content.decode()
    assert (
        "de persoon is een alleenstaande minderjarige: leg de beoordeling van het belang van "
        "het kind vast voordat een terugkeerbesluit wordt genomen "
        "(Richtlijn 2008/115/EG art. 10, lid 1)"
    ) in html
    assert "record the best-interests assessment" not in html


def test_what_is_stored_stays_english_when_a_dutch_user_acts(anna):
    case = case_for(anna)
    response = in_dutch(anna).post(
        form_url(case, "record_end_of_legal_stay"),
        {"expected_version": 1, "decided_on": TODAY.isoformat()},
    )
    assert response.status_code == 302
    decision = case.decisions.get()
    assert decision.legal_basis == "National decision ending legal stay"
    assert case.events.order_by("-sequence")[0].type == "record_end_of_legal_stay"


def test_the_procedure_document_stays_english_in_dutch():
    with translation.override("nl"):
        assert procedure_markdown() == DOC.read_text(encoding="utf-8")
