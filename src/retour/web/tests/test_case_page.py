"""The case page and its action forms, through the Django test client.

Every action form is driven by the API's scenario table (a case brought through the actions
to a stage where the action is allowed, who performs it, valid input): it succeeds, puts a
refusal next to the field it concerns, keeps the user's input on a conflicting change, and
answers 404 to anyone outside the case's member state.
"""

from __future__ import annotations

import re
from datetime import timedelta
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client

from retour import clock
from retour.accounts.models import User
from retour.api.tests.conftest import NOW, TODAY
from retour.api.tests.scenarios import (
    SCENARIOS,
    Personas,
    handed_over,
    legal_stay_ended,
    readmission_requests,
)
from retour.audit.models import AccessLogEntry
from retour.cases import tasks
from retour.cases.models import (
    CaseEvent,
    Handover,
    ReturnCase,
    Task,
)
from retour.cases.procedure import transitions
from retour.identification import missions
from retour.identification.actions import NewDocument, record_identity_document
from retour.identification.models import (
    MissionPresentation,
)
from retour.people.actions import NameInput, link_family_members
from retour.people.models import FamilyLink
from retour.readmission.models import ReadmissionTask
from retour.readmission.procedure import STEPS as READMISSION_STEPS
from retour.seam import actions as seam_actions
from retour.testing.actions import actions
from retour.testing.factories import case_for, case_in_voluntary_departure, person_for
from retour.web.forms_actions import FORMS
from retour.web.identification.views_missions import availability_words
from retour.web.persons import RELATIONS_SEEN_FROM_RELATIVE

pytestmark = pytest.mark.usefixtures("frozen_clock")


@pytest.fixture
def personas(anna, pieter, sanne) -> Personas:
    return {"anna": anna, "pieter": pieter, "sanne": sanne}


def client_of(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def case_url(case: ReturnCase) -> str:
    return f"/cases/{case.pk}/"


def form_url(case: ReturnCase, action: str) -> str:
    return f"/cases/{case.pk}/actions/{action.replace('_', '-')}/"


class _FormReader(HTMLParser):
    """What a browser would submit from the form posting to ``action``: text inputs, checked
    boxes, selected options and textareas, as the page shows them."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action = action
        self.inside = False
        self.values: list[tuple[str, str]] = []
        self.options: dict[str, list[str]] = {}
        self._select: str | None = None
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = a.get("action") == self.action
        if not self.inside:
            return
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.values.append((a["name"], a.get("value", "on")))
            elif kind not in ("submit", "button"):
                self.values.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select:
            self.options.setdefault(self._select, []).append(a.get("value", ""))
            if "selected" in a:
                self.values.append((self._select, a.get("value", "")))
        elif tag == "textarea":
            self._textarea, self._text = a.get("name"), ""

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            # A browser drops the newline that follows <textarea>.
            self.values.append((self._textarea, self._text.removeprefix("\n")))
            self._textarea = None


def read_form(html: str, action: str) -> _FormReader:
    reader = _FormReader(action)
    reader.feed(html)
    return reader


def form_values(html: str, action: str) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for name, value in read_form(html, action).values:
        values.setdefault(name, []).append(value)
    return values


def filled_in(client: Client, case: ReturnCase, action: str, body: dict[str, Any]) -> Any:
    """The action's form as the page offers it, filled in with ``body`` as a browser posts
    it: a ticked box is "on", an unticked one absent, a choice the option whose value it
    names (in any case, as the API accepts country codes)."""
    url = form_url(case, action)
    page = client.get(url)
    assert page.status_code == 200
    form = read_form(page.content.decode(), url)
    values: dict[str, Any] = {}
    for name, value in form.values:
        values.setdefault(name, []).append(value)
    for name, value in body.items():
        values.pop(name, None)
        if value is True:
            values[name] = "on"
        elif value is not False:
            options = form.options.get(name, [])
            values[name] = next((o for o in options if o.lower() == str(value).lower()), value)
    return values


def field_error(html: str, field: str) -> str:
    found = re.search(rf'id="id_{field}_error">(.*?)</div>', html, re.S)
    assert found, f"no error shown next to {field}"
    return found[1]


def writes(case: ReturnCase) -> tuple[int, int]:
    return ReturnCase.objects.get(pk=case.pk).version, CaseEvent.objects.count()


# ---------------------------------------------------------------------------------------------
# The forms cover the procedure, and the words cover the domain's codes.


def test_every_action_a_user_takes_has_a_form():
    by_users = {t.action for t in transitions() if t.capability is not None}
    assert set(FORMS) == by_users == set(SCENARIOS)


def test_every_form_field_is_an_argument_of_its_action():
    import inspect

    for action, form_class in FORMS.items():
        parameters = inspect.signature(getattr(actions, action)).parameters
        assert set(form_class.base_fields) <= set(parameters), action


# The words for codes are on the model's choices (``retour.display.label``; that they are
# marked for translation is ``test_translations``'); these are the words that are not.


def test_every_kind_of_task_has_its_words():
    worded = {c: tasks.label(c) for c in tasks.codes()}
    assert set(worded) == {*Task.Kind.values, *ReadmissionTask.values}
    assert all(word and word != code for code, word in worded.items())


def test_every_family_relation_reads_from_the_relative_too():
    assert set(RELATIONS_SEEN_FROM_RELATIVE) == set(FamilyLink.Relation.values)


def test_every_action_the_pages_name_is_declared_with_its_words():
    names = [t.action for t in transitions()] + [step.action for step in READMISSION_STEPS]
    for name in names:
        assert seam_actions.get(name).words, name


def test_the_planning_list_words_a_person_never_presented():
    assert availability_words(missions.UNKNOWN) == "not recorded"
    for code in MissionPresentation.Availability.values:
        assert availability_words(code) not in ("", code)


# ---------------------------------------------------------------------------------------------
# The case page


def test_case_page_shows_who_the_person_is(anna):
    case = case_for(anna, arabic_script=True, unaccompanied_minor=True)
    sister = person_for(anna, names=[NameInput(surname="Haddad", given_names="Leila")], sex="F")
    link_family_members(anna, case.person_id, sister.pk, "sibling_of")
    html = client_of(anna).get(case_url(case)).content.decode()
    start = html.index('id="attention-title"')
    attention = html[start:html.index("</section>", start)]
    assert "unaccompanied minor" in attention
    assert "Sibling of: <bdi dir=\"auto\" class=\"retour-name\">Leila Haddad</bdi>" in attention
    assert '<bdi dir="auto" class="retour-name">كريم حداد</bdi>' in html
    assert '<bdi dir="auto" class="retour-name">Karim Haddad</bdi>' in html
    assert "2011 (estimated)" in html
    assert "Morocco (claimed)" in html
    assert "male" in html
    assert "<title>Case – Retour</title>" in html


def test_case_page_shows_stage_decisions_deadlines_tasks_and_history(anna):
    case = case_for(anna)
    actions.record_end_of_legal_stay(
        anna, case.pk, decided_on=TODAY - timedelta(days=1), issuing_authority="nl-ind",
        reference="IND-2026-7",
    )
    actions.issue_return_decision(
        anna, case.pk, decided_on=TODAY, voluntary_departure_days=30,
        reason="asylum refused, no appeal",
    )
    html = client_of(anna).get(case_url(case)).content.decode()
    # the stage and what may happen next
    assert "<strong>voluntary-departure period</strong>" in html
    assert f'href="{form_url(case, "issue_entry_ban")}"' in html
    assert f'href="{form_url(case, "record_end_of_legal_stay")}"' not in html
    # decisions with date, authority, legal basis and status
    assert "Immigratie- en Naturalisatiedienst" in html
    assert "Directive 2008/115/EC Art. 6(1)" in html
    assert "30 days for voluntary departure" in html
    assert "reference IND-2026-7" in html
    # the deadline, with the days left
    assert "End of voluntary departure" in html
    assert "April 1, 2026" in html and "30 days left" in html
    # the history in words: who, which authority, what changed
    assert "Anna de Vries (Dienst Terugkeer en Vertrek)" in html
    assert "legal stay ended <span aria-hidden=\"true\">→</span>" in html
    assert "Reason: asylum refused, no appeal" in html
    assert html.index("Issue return decision</h3>") < html.index("Case opened</h3>")


def test_overdue_tasks_and_deadlines_say_so(anna):
    case = case_for(anna)
    actions.record_end_of_legal_stay(anna, case.pk, decided_on=TODAY)
    with clock.frozen_at(NOW + timedelta(days=10)):
        html = client_of(anna).get(case_url(case)).content.decode()
    assert "Issue the return decision" in html
    assert html.count("3 days overdue") == 2  # the task and the deadline, due 7 days after


def test_a_guard_that_holds_an_action_back_is_explained(anna):
    case = case_for(anna, unaccompanied_minor=True)
    actions.record_end_of_legal_stay(anna, case.pk, decided_on=TODAY)
    html = client_of(anna).get(case_url(case)).content.decode()
    blocked = html[html.index("Not possible yet"):]
    assert "Issue return decision" in blocked[: blocked.index("</ul>")]
    assert "best-interests assessment" in blocked[: blocked.index("</ul>")]
    assert f'href="{form_url(case, "issue_return_decision")}"' not in html


def _between(html: str, start: str, end: str) -> str:
    """The part of ``html`` from ``start`` to the next ``end`` ("" when ``start`` is absent)."""
    if start not in html:
        return ""
    part = html[html.index(start):]
    return part[: part.index(end)]


def test_steps_for_minors_do_not_wait_for_an_adult_but_are_set_apart(anna):
    case = case_in_voluntary_departure(anna, decided_on=TODAY)  # born 1994
    html = client_of(anna).get(case_url(case)).content.decode()
    assert _between(html, "Not possible yet", "</ul>") == ""
    apart = _between(html, "<details", "</details>")
    assert "Steps that do not apply to this person" in apart
    assert "Record best-interests assessment</strong>: the person is not a minor" in apart
    assert "(unaccompanied minor)</strong>: the person is not an unaccompanied minor" in apart


def test_a_minor_sees_the_steps_for_minors_and_what_holds_them_back(anna):
    case = case_in_voluntary_departure(anna, decided_on=TODAY, birth_year=2012)
    html = client_of(anna).get(case_url(case)).content.decode()
    assert f'href="{form_url(case, "record_best_interests_assessment")}"' in html
    # Not noted as unaccompanied: the verification of reception does not concern them.
    apart = _between(html, "<details", "</details>")
    assert "Record verified reception" in apart and "best-interests" not in apart
    not_yet = _between(html, "Not possible yet", "</ul>")
    assert "Issue return decision" not in not_yet  # past that stage, not "not yet"
    assert "Record best-interests assessment" not in not_yet


def test_a_step_a_guard_on_the_case_holds_back_is_not_yet_possible(anna):
    case = case_for(anna, unaccompanied_minor=True)
    actions.record_end_of_legal_stay(anna, case.pk, decided_on=TODAY)
    html = client_of(anna).get(case_url(case)).content.decode()
    assert "Issue return decision" in _between(html, "Not possible yet", "</ul>")
    assert "<details" not in html  # every step of the stage concerns this child


def test_the_hand_over_sentence_reads_well_whatever_the_time(personas):
    case = handed_over(personas)
    client = client_of(personas["pieter"])
    english = client.get(case_url(case)).content.decode()
    sentence = _between(english, "On March 2, 2026, 10", "</p>")
    assert "a.m.. " not in sentence and "..." not in sentence
    assert "Anna de Vries (Dienst Terugkeer en Vertrek) handed this case over to Politie" in (
        sentence
    )
    dutch = client.get(case_url(case), headers={"accept-language": "nl"}).content.decode()
    assert "Op 2 maart 2026 10:00 heeft Anna de Vries (Dienst Terugkeer en Vertrek) deze zaak" in (
        dutch
    )


def test_case_page_records_the_read(anna):
    case = case_for(anna)
    client_of(anna).get(case_url(case))
    entry = AccessLogEntry.objects.order_by("-sequence").first()
    assert entry is not None
    assert (entry.operation, entry.object_type, entry.channel) == ("read", "return_case", "web")
    assert entry.object_ids == [str(case.pk)] and entry.person_ids == [str(case.person_id)]


# Every statement the case page of a case with a bit of everything runs: the session, the
# user and the session's sign-in row (5), the case and its person, names, nationalities,
# countries and vulnerabilities (6), the relatives and their cases (4), the pending hand-over,
# the rows the procedure's guards read (once each: decisions, detention, referrals),
# deadlines, tasks, decisions, documents, one per panel, the history with its words (3), the
# readmission section (3), two access-log entries (6 each) and the session's save (3). The
# guards of every step weighed used to read the same rows again and again (65 statements).
CASE_PAGE_STATEMENTS = 47


def test_the_case_page_reads_each_thing_once(personas, django_assert_max_num_queries):
    anna = personas["anna"]
    _, submitted = readmission_requests(personas)
    case = submitted.case
    sister = person_for(anna, names=[NameInput(surname="Haddad", given_names="Leila")], sex="F")
    link_family_members(anna, case.person_id, sister.pk, "sibling_of")
    record_identity_document(anna, case.person_id, NewDocument(
        kind="passport", form="original", number="X1234567", issuing_country="MA",
        expires_on=TODAY + timedelta(days=100),
    ))
    client = client_of(anna)
    with django_assert_max_num_queries(CASE_PAGE_STATEMENTS):
        html = client.get(case_url(case)).content.decode()
    assert "Leila Haddad" in html and "X1234567" in html and "Pakistan" in html


@pytest.mark.parametrize("outsider", ["lucas", "eva"])
def test_case_of_another_member_state_is_not_found(outsider, anna, request):
    case = case_for(anna)
    client = client_of(request.getfixturevalue(outsider))
    assert client.get(case_url(case)).status_code == 404
    for action in ("record_end_of_legal_stay", "close_case"):
        assert client.get(form_url(case, action)).status_code == 404
        response = client.post(form_url(case, action), {"expected_version": 1, "outcome": "other"})
        assert response.status_code == 404
    assert ReturnCase.objects.get(pk=case.pk).version == 1


def test_signed_out_visitor_is_sent_to_sign_in(anna, client):
    case = case_for(anna)
    response = client.get(case_url(case))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_unknown_action_is_not_found(anna):
    case = case_for(anna)
    client = client_of(anna)
    assert client.get(f"/cases/{case.pk}/actions/rewrite-history/").status_code == 404
    assert client.get(f"/cases/{case.pk}/actions/close_case/").status_code == 404


# ---------------------------------------------------------------------------------------------
# Each action form


@pytest.mark.parametrize("action", list(SCENARIOS))
def test_action_form_succeeds(action, personas):
    scenario = SCENARIOS[action]
    case = scenario.prepare(personas)
    user = personas[scenario.actor]
    client = client_of(user)
    data = filled_in(client, case, action, scenario.body(case))
    assert data["expected_version"] == [str(case.version)]
    response = client.post(form_url(case, action), data)
    assert response.status_code == 302, response.content.decode()
    # A returned hand-over takes the case out of the returner's view (ADR 0016): home.
    back = "/" if action == "return_handover" else case_url(case)
    assert response["Location"] == back
    after = ReturnCase.objects.get(pk=case.pk)
    assert after.stage == scenario.stage_after
    assert after.version == case.version + 1
    last = after.events.order_by("-sequence").first()
    assert last is not None and (last.type, last.actor_id) == (action, user.pk)
    assert AccessLogEntry.objects.order_by("-sequence")[0].channel == "web"
    shown = client.get(back).content.decode()
    assert f"{seam_actions.get(action).words}: done." in shown


# For each form: a field, a value the form or the action refuses, and words of the reason.
# Accepting a hand-over has no field that can be wrong (its note is optional).
BAD_INPUT: dict[str, tuple[str, Any, str]] = {
    "record_end_of_legal_stay": ("decided_on", (TODAY + timedelta(days=1)).isoformat(),
                                 "is in the future"),
    "record_best_interests_assessment": ("summary", "", "This field is required."),
    "issue_return_decision": ("voluntary_departure_days", 45, "at most 30 days"),
    "extend_voluntary_departure": ("extension_days", 0, "must be at least 1"),
    "issue_entry_ban": ("ban_years", 0, "an entry ban needs a length"),
    "lodge_appeal": ("lodged_on", (TODAY - timedelta(days=9)).isoformat(),
                     "cannot be before the contested decision"),
    "decide_appeal": ("decided_on", "2026-02-31", "Enter a valid date."),
    "postpone_removal": ("ends_on", TODAY.isoformat(), "must be after the decision date"),
    "end_postponement": ("ended_on", (TODAY - timedelta(days=3)).isoformat(),
                         "cannot be before the postponement"),
    "verify_reception": ("decided_on", (TODAY + timedelta(days=2)).isoformat(),
                         "is in the future"),
    "withdraw_return_decision": ("reason", "", "This field is required."),
    "record_voluntary_departure": ("departed_on", (TODAY - timedelta(days=5)).isoformat(),
                                   "cannot be before the return decision"),
    "schedule_removal": ("planned_on", (TODAY - timedelta(days=1)).isoformat(),
                         "cannot be planned in the past"),
    "cancel_removal": ("reason", "  ", "This field is required."),
    "record_removal": ("destination", "XX", "Select a valid choice."),
    "record_absconding": ("absconded_on", (TODAY + timedelta(days=1)).isoformat(),
                          "is in the future"),
    "record_whereabouts_known": ("located_on", (TODAY + timedelta(days=1)).isoformat(),
                                 "is in the future"),
    "send_handover": ("note", "", "This field is required."),
    "return_handover": ("reason", "", "This field is required."),
    "close_case": ("outcome", "returned_voluntarily", "record the departure first"),
    "assign_case": ("officer_username", "tom", "Select a valid choice."),
    "record_non_cooperation": ("occurred_on", (TODAY + timedelta(days=1)).isoformat(),
                               "is in the future"),
    "order_detention": ("ordered_on", (TODAY + timedelta(days=1)).isoformat(),
                        "is in the future"),
    "end_detention": ("ended_on", (TODAY - timedelta(days=5)).isoformat(),
                      "cannot be before detention was ordered"),
    "refer_to_reintegration": ("programme", " ", "This field is required."),
    "record_reintegration_outcome": ("outcome_on", (TODAY - timedelta(days=5)).isoformat(),
                                     "cannot be before the referral"),
}


@pytest.mark.parametrize("action", list(BAD_INPUT))
def test_action_form_shows_the_error_next_to_the_field(action, personas, tom):
    scenario = SCENARIOS[action]
    case = scenario.prepare(personas)
    field, value, reason = BAD_INPUT[action]
    before = writes(case)
    client = client_of(personas[scenario.actor])
    data = filled_in(client, case, action, {**scenario.body(case), field: value})
    response = client.post(form_url(case, action), data)
    assert response.status_code == 422
    html = response.content.decode()
    assert reason in field_error(html, field)
    assert re.search(rf'<(input|select|textarea)[^>]*aria-invalid="true"[^>]*id="id_{field}"', html)
    assert f'href="#id_{field}"' in html  # the summary at the top links to the field
    assert writes(case) == before


def test_every_form_with_a_field_that_can_be_wrong_has_a_bad_input_case():
    assert set(BAD_INPUT) == set(FORMS) - {"accept_handover"}


@pytest.mark.parametrize("action", list(SCENARIOS))
def test_conflicting_change_keeps_the_input_and_names_who_changed_the_case(
    action, personas, sanne
):
    scenario = SCENARIOS[action]
    case = scenario.prepare(personas)
    client = client_of(personas[scenario.actor])
    data = filled_in(client, case, action, scenario.body(case))
    with clock.frozen_at(NOW + timedelta(minutes=5)):
        actions.record_vulnerability(
            sanne, case.person_id, kind="disability", noted_on=TODAY, reason="medical report"
        )
    before = writes(case)
    url = form_url(case, action)
    response = client.post(url, data)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else changed this case" in html
    assert "Sanne Jansen (Dienst Terugkeer en Vertrek) changed this case at" in html
    assert "Vulnerability recorded" in html
    assert writes(case) == before
    shown = form_values(html, url)
    current = ReturnCase.objects.get(pk=case.pk).version
    assert shown["expected_version"] == [str(current)]
    ignored = {"expected_version", "csrfmiddlewaretoken"}  # the token is masked anew per page
    kept = {k: v for k, v in shown.items() if k not in ignored}
    sent = {k: v if isinstance(v, list) else [str(v)] for k, v in data.items() if k not in ignored}
    assert kept == sent
    resubmitted = client.post(url, shown)
    assert resubmitted.status_code == 302, resubmitted.content.decode()
    assert ReturnCase.objects.get(pk=case.pk).version == current + 1


def test_action_the_role_does_not_allow_is_refused_with_the_reason(anna, ruud):
    case = case_for(anna)
    client = client_of(ruud)
    page = client.get(form_url(case, "close_case"))
    assert page.status_code == 200
    assert "Your role does not allow this action." in page.content.decode()
    assert 'name="outcome"' not in page.content.decode()
    before = writes(case)
    response = client.post(
        form_url(case, "close_case"), {"expected_version": 1, "outcome": "other", "reason": "x"}
    )
    assert response.status_code == 403
    assert "Your role does not allow this action." in response.content.decode()
    assert 'name="outcome"' not in response.content.decode()
    assert writes(case) == before
    # Refused before what was sent is read: a form full of mistakes gets the same answer.
    assert client.post(form_url(case, "close_case"), {"outcome": "nonsense"}).status_code == 403


def test_action_the_procedure_does_not_allow_is_refused_with_the_reason(anna):
    case = case_for(anna)
    client = client_of(anna)
    page = client.get(form_url(case, "issue_return_decision")).content.decode()
    assert "needs the end of legal stay recorded before a return decision" in page
    assert 'name="voluntary_departure_days"' not in page
    before = writes(case)
    response = client.post(
        form_url(case, "issue_return_decision"),
        {"expected_version": 1, "decided_on": TODAY.isoformat(), "voluntary_departure_days": 30},
    )
    assert response.status_code == 409
    assert "needs the end of legal stay recorded" in response.content.decode()
    assert writes(case) == before


def test_issue_return_decision_form_states_the_period_in_force(personas):
    case = legal_stay_ended(personas)
    html = client_of(personas["anna"]).get(form_url(case, "issue_return_decision")).content
    assert "Between 7 and 30 days (Directive 2008/115/EC Art. 7(1))" in html.decode()


# ---------------------------------------------------------------------------------------------
# Hand-overs


def test_the_sender_sees_the_hand_over_waiting_but_cannot_answer_it(personas):
    case = handed_over(personas)
    html = client_of(personas["anna"]).get(case_url(case)).content.decode()
    assert "Hand-over waiting for acceptance" in html
    assert "Note: yours now" in html
    assert form_url(case, "accept_handover") not in html
    assert f'href="{form_url(case, "send_handover")}"' not in html


def test_only_the_responsible_authority_is_offered_to_hand_over(personas):
    case = case_for(personas["anna"])
    assert f'href="{form_url(case, "send_handover")}"' in (
        client_of(personas["anna"]).get(case_url(case)).content.decode()
    )
    pieter = client_of(personas["pieter"])
    # another authority's officer does not see the case at all (ADR 0016) ...
    assert pieter.get(case_url(case)).status_code == 404
    # ... and, while a hand-over to them waits, sees it but may only answer the hand-over
    actions.send_handover(personas["anna"], case.pk, to_authority="nl-avim", note="identify")
    assert f'href="{form_url(case, "send_handover")}"' not in (
        pieter.get(case_url(case)).content.decode()
    )
    refusal = pieter.get(form_url(case, "send_handover")).content.decode()
    assert "accept the hand-over before recording steps on it" in refusal


def test_hand_over_form_offers_the_other_authorities_of_the_member_state(personas):
    case = case_for(personas["anna"])
    html = client_of(personas["anna"]).get(form_url(case, "send_handover")).content.decode()
    assert 'value="nl-avim"' in html and 'value="nl-ind"' in html
    assert 'value="nl-dtv"' not in html and 'value="be-dvz"' not in html


def test_the_receiver_accepts_from_the_case_page(personas):
    case = handed_over(personas)
    client = client_of(personas["pieter"])
    url = case_url(case)
    html = client.get(url).content.decode()
    accept = form_values(html, form_url(case, "accept_handover"))
    assert accept["accept-expected_version"] == [str(case.version)]
    response = client.post(form_url(case, "accept_handover"), accept)
    assert response.status_code == 302 and response["Location"] == url
    after = ReturnCase.objects.get(pk=case.pk)
    assert after.responsible_authority.code == "nl-avim"
    page = client.get(url).content.decode()
    assert "Accept hand-over: done." in page
    assert "Hand-over waiting for acceptance" not in page


def test_the_receiver_returns_with_a_reason_from_the_case_page(personas):
    case = handed_over(personas)
    client = client_of(personas["pieter"])
    target = form_url(case, "return_handover")
    values = form_values(client.get(case_url(case)).content.decode(), target)
    missing = client.post(target, values)
    assert missing.status_code == 422
    assert "This field is required." in field_error(missing.content.decode(), "return-reason")
    values["return-reason"] = ["not our region: the person lives in Groningen"]
    assert client.post(target, values).status_code == 302
    handover = Handover.objects.get(case=case)
    assert handover.status == "returned"
    assert handover.answer_reason == "not our region: the person lives in Groningen"
    assert ReturnCase.objects.get(pk=case.pk).responsible_authority.code == "nl-dtv"


def test_history_shows_both_authorities_of_a_hand_over(personas):
    case = handed_over(personas)
    actions.accept_handover(personas["pieter"], case.pk, reason="we take it")
    html = client_of(personas["pieter"]).get(case_url(case)).content.decode()
    history = html[html.index('id="history-title"'):]
    assert "Pieter Bakker (Politie – Afdeling Vreemdelingen" in history
    assert "Anna de Vries (Dienst Terugkeer en Vertrek)" in history
    assert "to Politie – Afdeling Vreemdelingen, Identificatie en Mensenhandel" in history
    assert "Dienst Terugkeer en Vertrek <span aria-hidden=\"true\">→</span>" in history


def test_family_link_leads_to_the_relatives_case(anna):
    child_case = case_in_voluntary_departure(anna, decided_on=TODAY)
    parent = person_for(anna)
    link_family_members(anna, parent.pk, child_case.person_id, "parent_of")
    parent_case = actions.open_case(anna, parent.pk, origin="negative_asylum_decision")
    html = client_of(anna).get(case_url(parent_case)).content.decode()
    assert "Parent of:" in html and f'href="{case_url(child_case)}"' in html
    html = client_of(anna).get(case_url(child_case)).content.decode()
    assert "Child of:" in html and f'href="{case_url(parent_case)}"' in html


def test_case_page_in_dutch(personas):
    case = legal_stay_ended(personas)
    client = client_of(personas["anna"])
    html = client.get(case_url(case), headers={"accept-language": "nl"}).content.decode()
    assert f"Zaak {case.number}" in html
    assert "<strong>rechtmatig verblijf beëindigd</strong>" in html
    assert "Terugkeerbesluit nemen" in html
    assert "nog 6 dagen" in html  # the return decision is due 7 days after yesterday
