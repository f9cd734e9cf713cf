"""The home page per role: the case officer's work, the supervisor's team, and pages that show
no person to the roles that read aggregates only."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from conftest import make_user
from retour import clock
from retour.accounts.models import Role
from retour.audit.models import AccessLogEntry
from retour.cases import actions
from retour.people.actions import NameInput
from retour.testing.factories import case_for, case_in_voluntary_departure

pytestmark = pytest.mark.usefixtures("frozen_clock")

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TODAY = NOW.date()


def home_of(user) -> str:
    client = Client()
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def section(page: str, heading_id: str) -> str:
    """The part of the page under one heading."""
    start = page.index(f'id="{heading_id}"')
    end = page.find("</section>", start)
    return page[start:end]


def rows(html: str) -> list[str]:
    """Each table row's text, tags removed and spaces squeezed."""
    found = re.findall(r'<tr class="utrecht-table__row">(.*?)</tr>', html, flags=re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in found[1:]]


@pytest.fixture
def work(anna, pieter, sanne):
    """Dutch casework: a decision 33 days overdue, a best-interests assessment due today, a
    hand-over from the police waiting for the return service, a voluntary departure (and the
    period to appeal its decision) ending this week."""
    with clock.frozen_at(NOW - timedelta(days=40)):
        late = case_for(anna, origin="irregular_stay_detected",
                        names=[NameInput(surname="Rahimi", given_names="Omid")])
    minor = case_for(anna, unaccompanied_minor=True,
                     names=[NameInput(surname="Karimi", given_names="Ali")])
    leaving = case_in_voluntary_departure(
        anna, decided_on=TODAY - timedelta(days=25), days=30,
        names=[NameInput(surname="Okafor", given_names="Grace")],
    )
    police = case_for(pieter, names=[NameInput(surname="Müller", given_names="Jürgen")])
    actions.send_handover(pieter, police.pk, to_authority="nl-dtv", note="identified")
    actions.assign_case(sanne, minor.pk, officer_username="anna")
    return {"late": late, "minor": minor, "leaving": leaving, "police": police}


def test_case_officer_sees_the_tasks_of_her_authority_overdue_first(work, anna):
    page = home_of(anna)
    tasks = rows(section(page, "tasks-heading"))
    assert tasks == [
        f"{work['late'].number} Omid Rahimi issue the return decision not assigned "
        "2026-01-28 33 days overdue",
        f"{work['minor'].number} Ali Karimi assess the best interests of the child "
        "Anna de Vries 2026-03-02 due today",
        f"{work['police'].number} Jürgen Müller accept or return the hand-over not assigned "
        "2026-03-04 2 days left",
    ]
    assert "utrecht-status-badge--danger\">33 days overdue" in page


def test_case_officer_sees_hand_overs_to_accept_with_links_to_answer(work, anna):
    handovers = section(home_of(anna), "handovers-heading")
    police = work["police"]
    assert rows(handovers) == [
        f"{police.number} Jürgen Müller Politie – Afdeling Vreemdelingen, Identificatie en "
        f"Mensenhandel not assigned Accept hand-over ({police.number}) "
        f"Return hand-over ({police.number})"
    ]
    assert f'href="/cases/{police.pk}/"' in handovers
    assert f'href="/cases/{police.pk}/actions/accept-handover/"' in handovers
    assert f'href="/cases/{police.pk}/actions/return-handover/"' in handovers


def test_case_officer_sees_this_weeks_deadlines(work, anna):
    later = case_in_voluntary_departure(anna, decided_on=TODAY, days=30)
    deadlines = rows(section(home_of(anna), "deadlines-heading"))
    number = work["leaving"].number
    assert deadlines == [
        f"{number} Grace Okafor end of the period to appeal not assigned 2026-03-05 3 days left",
        f"{number} Grace Okafor end of voluntary departure not assigned 2026-03-07 5 days left",
    ]
    assert later.number not in section(home_of(anna), "deadlines-heading")


def test_the_home_page_read_is_logged(work, anna):
    home_of(anna)
    entry = AccessLogEntry.objects.order_by("-sequence").first()
    assert entry is not None
    assert (entry.operation, entry.channel, entry.object_type) == ("read", "web", "return_case")
    shown = {work[key] for key in ("late", "minor", "police", "leaving")}
    assert sorted(entry.object_ids) == sorted(str(case.pk) for case in shown)
    assert sorted(entry.person_ids) == sorted(str(case.person_id) for case in shown)


def test_another_member_state_sees_nothing_of_it(work, lucas):
    belgian = case_for(lucas, origin="irregular_stay_detected")
    page = home_of(lucas)
    assert rows(section(page, "tasks-heading")) == [
        f"{belgian.number} Karim Haddad issue the return decision not assigned "
        "2026-03-09 7 days left"
    ]
    for case in work.values():
        assert case.number not in page
    assert "No case is waiting for your authority to accept it." in page


def test_supervisor_sees_the_teams_load_and_what_is_overdue(work, sanne, pieter):
    make_user("bram", "Bram", "Smit", "nl-dtv", ("case_officer",))  # no case yet
    page = home_of(sanne)
    team = section(page, "team-heading")
    assert rows(team) == ["Anna de Vries 1 open cases", "Bram Smit 0", "Not assigned 2"]
    assert 'href="/cases/?authority=nl-dtv&amp;officer=anna"' in team
    assert "officer=bram" not in team  # the list would offer nobody without a case
    overdue = section(page, "overdue-heading")
    assert rows(overdue) == [
        f"{work['late'].number} issue the return decision not assigned 2026-01-28 "
        "33 days overdue"
    ]
    assert "Omid Rahimi" not in page  # the supervisor's overview needs no names
    assert 'href="/cases/?authority=nl-dtv&amp;overdue=yes"' in overdue
    assert "tasks-heading" not in page


@pytest.mark.parametrize(
    ("persona", "text"),
    [
        ("eva", "Indicators of the member states and the EU"),
        ("tom", "Aggregated figures of your member state only"),
    ],
)
def test_roles_reading_aggregates_see_no_person(persona, text, work, request):
    user = request.getfixturevalue(persona)
    before = AccessLogEntry.objects.count()
    page = home_of(user)
    assert text in page
    assert "no person is ever shown here" in page
    assert 'href="/statistics/"' in page and 'href="/scorecard/"' in page
    for case in work.values():
        assert case.number not in page
    assert "Müller" not in page and "Rahimi" not in page
    assert AccessLogEntry.objects.count() == before


def test_auditor_and_administrator_find_their_tools(work, ruud, ada):
    audit = section(home_of(ruud), "audit-heading")
    assert "retour audit verify" in audit
    assert 'href="/cases/"' in audit
    assert 'href="/admin/"' in section(home_of(ada), "administration-heading")


def test_a_user_with_two_roles_sees_both_parts(work, anna):
    anna.roles.add(Role.objects.get(code="supervisor"))
    page = home_of(anna)
    assert 'id="tasks-heading"' in page and 'id="team-heading"' in page
