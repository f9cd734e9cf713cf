"""The identification mission pages: the list with the planning list per country, planning a
mission, one mission with presenting a person and recording an outcome; who may see them,
the refusals next to the fields and the access log."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest

from retour.accounts.roles import Capability
from retour.api.tests.conftest import TODAY
from retour.audit.models import AccessLogEntry
from retour.cases.actions import record_absconding
from retour.identification import dossier
from retour.identification.missions import NewMission, plan_mission, present_person
from retour.identification.models import IdentificationMission, MissionPresentation
from retour.testing.factories import case_for, case_in_forced_return
from retour.web.tests.test_case_page import client_of, field_error

pytestmark = pytest.mark.usefixtures("frozen_clock")


def _mission(user: Any, country: str = "MA", **fields: Any) -> IdentificationMission:
    values = {"country": country, "kind": "delegation_mission",
              "starts_on": TODAY - timedelta(days=1), "ends_on": TODAY + timedelta(days=2),
              "place": "Detention centre Rotterdam", **fields}
    return plan_mission(user, NewMission(**values))


def test_only_users_who_identify_see_the_pages(anna, ruud, lucas):
    assert not ruud.can(Capability.IDENTIFY)
    mission = _mission(anna)
    for url in ("/missions/", "/missions/new/", f"/missions/{mission.pk}/"):
        assert client_of(ruud).get(url).status_code == 403
    assert client_of(lucas).get(f"/missions/{mission.pk}/").status_code == 404
    assert client_of(anna).get("/missions/00000000-0000-0000-0000-000000000000/").status_code \
        == 404
    page = client_of(anna).get("/missions/").content.decode()
    assert 'href="/missions/"' in page  # in the main navigation
    assert 'href="/missions/"' not in client_of(ruud).get("/").content.decode()


def test_the_list_shows_upcoming_missions_first(anna, lucas):
    past = _mission(anna, "DZ", starts_on=TODAY - timedelta(days=30),
                    ends_on=TODAY - timedelta(days=29), place="The Hague")
    later = _mission(anna, "PK", starts_on=TODAY + timedelta(days=9),
                     ends_on=TODAY + timedelta(days=9), place="Schiphol")
    soon = _mission(anna)
    _mission(lucas, place="Brussels")
    html = client_of(anna).get("/missions/").content.decode()
    places = [html.index(m.place) for m in (soon, later, past)]
    assert places == sorted(places)
    assert "Brussels" not in html


def test_the_planning_list_swaps_in_and_is_logged(anna):
    gone = case_in_forced_return(anna, decided_on=TODAY - timedelta(days=20))
    record_absconding(anna, gone.pk, absconded_on=TODAY - timedelta(days=2))
    ready = case_for(anna, arabic_script=True)
    case_for(anna, claimed_nationalities=["DZ"])
    response = client_of(anna).get("/missions/?country=ma", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and "<h1" not in html
    assert "2 persons ready to be presented to Morocco" in html
    assert f'href="/cases/{ready.pk}/"' in html and f'href="/cases/{gone.pk}/"' in html
    assert '<bdi dir="auto" class="retour-name">' in html and "claimed" in html
    assert "utrecht-status-badge--danger" in html and "whereabouts unknown" in html
    assert "prima facie evidence" not in html and "incomplete" in html
    entry = AccessLogEntry.objects.get(object_type="mission_planning")
    assert entry.search_terms == {"country": "MA"} and entry.channel == "web"
    assert {str(p) for p in entry.person_ids} == {str(gone.person_id), str(ready.person_id)}


def test_planning_a_mission_puts_refusals_next_to_the_fields(anna):
    client = client_of(anna)
    refused = client.post("/missions/new/", {
        "country": "NL", "kind": "delegation_mission", "starts_on": "2026-03-10",
        "ends_on": "2026-03-09", "place": "Rotterdam", "interpreter_languages": "ar, 12",
    })
    html = refused.content.decode()
    assert refused.status_code == 422
    assert "Please correct the following" in html
    # The Netherlands is no third country: not even offered.
    assert "Select a valid choice" in field_error(html, "country")
    blank = client.post("/missions/new/", {"country": "MA", "kind": "", "place": ""})
    assert "required" in field_error(blank.content.decode(), "place")
    dates = client.post("/missions/new/", {
        "country": "MA", "kind": "video_interview", "starts_on": "2026-03-10",
        "ends_on": "2026-03-09", "place": "Rotterdam", "interpreter_languages": "ar, 12"})
    html = dates.content.decode()
    assert "cannot be before the first day" in field_error(html, "ends_on")
    assert "&#x27;12&#x27; is not a language tag" in field_error(html, "interpreter_languages")
    assert not IdentificationMission.objects.exists()
    planned = client.post("/missions/new/", {
        "country": "ma", "kind": "video_interview", "starts_on": "2026-03-10",
        "ends_on": "2026-03-10", "place": "Rotterdam", "interpreter_languages": "ar fa-AF"})
    mission = IdentificationMission.objects.get()
    assert planned.status_code == 302 and planned["Location"] == f"/missions/{mission.pk}/"
    assert mission.interpreter_languages == ["ar", "fa-AF"]
    assert "The mission is planned." in client.get(planned["Location"]).content.decode()


def test_presenting_and_recording_identified_completes_the_dossier(anna):
    case = case_for(anna)
    mission = _mission(anna)
    client = client_of(anna)
    url = f"/missions/{mission.pk}/"
    page = client.get(url).content.decode()
    option = re.search(rf'<option value="{case.pk}">([^<]*)</option>', page)
    assert option and option[1].endswith(f" · {case.number}"), page
    refused = client.post(f"{url}presentations/new/", {"case": str(case.pk)})
    assert refused.status_code == 422
    assert "required" in field_error(refused.content.decode(), "availability")
    presented = client.post(f"{url}presentations/new/",
                            {"case": str(case.pk), "availability": "reporting"})
    assert presented.status_code == 302
    presentation = MissionPresentation.objects.get()
    assert presentation.case_id == case.pk
    page = client.get(url).content.decode()
    assert "The person is on the mission&#x27;s list." in page
    assert "awaiting the outcome" in page
    prefix = f"o{presentation.pk.hex}"
    outcome_url = f"{url}presentations/{presentation.pk}/outcome/"
    future = client.post(outcome_url, {f"{prefix}-outcome": "identified",
                                       f"{prefix}-outcome_on": "2026-04-01"})
    assert future.status_code == 422
    assert "is in the future" in field_error(future.content.decode(), f"{prefix}-outcome_on")
    done = client.post(outcome_url, {f"{prefix}-outcome": "identified",
                                     f"{prefix}-outcome_on": TODAY.isoformat(),
                                     f"{prefix}-notes": "Recognised by the delegation."})
    assert done.status_code == 302
    page = client.get(url).content.decode()
    assert "The outcome “identified” is recorded." in page
    assert "Recognised by the delegation." in page and "held" in page
    assert dossier.evaluate(case.person, "MA", TODAY).status == "complete"
    reads = AccessLogEntry.objects.filter(object_type="mission_presentation", operation="read")
    assert reads.exists() and all(case.person_id in e.person_ids or str(case.person_id) in
                                  map(str, e.person_ids) for e in reads)


def test_another_states_presentation_is_not_found(anna, lucas):
    mine = _mission(anna)
    theirs = _mission(lucas)
    belgian = case_for(lucas)
    presentation = present_person(lucas, theirs.pk, belgian.person_id, availability="reporting")
    response = client_of(anna).post(
        f"/missions/{mine.pk}/presentations/{presentation.pk}/outcome/", {})
    assert response.status_code == 404


def test_another_authoritys_persons_on_the_mission_are_counted_not_named(anna, pieter):
    """One mission, two authorities presenting: each sees its own persons and a count of the
    others, on the page and in the API, and cannot record the others' outcomes."""
    mission = _mission(anna)
    theirs = case_for(anna)
    present_person(anna, mission.pk, theirs.person_id, case_id=theirs.pk,
                   availability="reporting")
    ours = case_for(pieter)
    present_person(pieter, mission.pk, ours.person_id, case_id=ours.pk, availability="in_detention")
    client = client_of(pieter)
    page = client.get(f"/missions/{mission.pk}/").content.decode()
    assert ours.number in page and theirs.number not in page
    assert "1 person presented by another authority is not shown" in page
    other = MissionPresentation.objects.get(case=theirs)
    refused = client.post(f"/missions/{mission.pk}/presentations/{other.pk}/outcome/", {})
    assert refused.status_code == 404
    [listed] = client.get("/api/v1/missions").json()
    assert [p["case"]["number"] for p in listed["presentations"]] == [ours.number]
    assert listed["presented_by_others"] == 1
    read = AccessLogEntry.objects.filter(object_type="mission_presentation").latest("sequence")
    assert [str(p) for p in read.person_ids] == [str(ours.person_id)]


# ---------------------------------------------------------------------------------------------
# Cancelling a mission


def test_cancelling_asks_why_and_the_list_and_the_page_show_the_mission_cancelled(anna):
    case = case_for(anna)
    mission = _mission(anna)
    present_person(anna, mission.pk, case.person_id, availability="reporting")
    client = client_of(anna)
    url = f"/missions/{mission.pk}/"
    assert f'href="{url}cancel/"' in client.get(url).content.decode()
    confirm = client.get(f"{url}cancel/").content.decode()
    assert "One person is on the mission's list" in confirm
    assert 'name="reason"' in confirm and f'href="{url}"' in confirm  # keep it
    refused = client.post(f"{url}cancel/", {"reason": " "})
    assert refused.status_code == 422
    assert "required" in field_error(refused.content.decode(), "reason")
    assert IdentificationMission.objects.get().status == "planned"
    done = client.post(f"{url}cancel/", {"reason": "The delegation postponed its visit."})
    assert done.status_code == 302 and done["Location"] == url
    page = client.get(url).content.decode()
    assert "The mission is cancelled." in page
    assert "utrecht-status-badge--inactive\">cancelled</span>" in page
    assert "The delegation postponed its visit." in page
    assert f'href="{url}cancel/"' not in page and "Present a person" not in page
    assert "none: the mission was cancelled" in page and "Record outcome" not in page
    listed = client.get("/missions/").content.decode()
    assert "utrecht-status-badge--inactive\">cancelled</span>" in listed
    # the person is ready to be presented again
    assert case.number in client.get("/missions/", {"country": "MA"}).content.decode()
    # once cancelled, the confirmation leads back and a second cancellation is refused
    assert client.get(f"{url}cancel/")["Location"] == url
    again = client.post(f"{url}cancel/", {"reason": "again"})
    assert again.status_code == 422 and "the mission was cancelled" in again.content.decode()


def test_cancelling_is_for_identification_officers_of_the_member_state(anna, ruud, lucas):
    mission = _mission(anna)
    url = f"/missions/{mission.pk}/cancel/"
    assert client_of(ruud).get(url).status_code == 403
    assert client_of(ruud).post(url, {"reason": "x"}).status_code == 403
    assert client_of(lucas).get(url).status_code == 404
    assert client_of(lucas).post(url, {"reason": "x"}).status_code == 404
    assert IdentificationMission.objects.get().status == "planned"


def test_cancelling_in_dutch(anna):
    mission = _mission(anna)
    client = client_of(anna)
    dutch = {"accept-language": "nl"}
    confirm = client.get(f"/missions/{mission.pk}/cancel/", headers=dutch).content.decode()
    assert "<title>De missie annuleren – Retour</title>" in confirm
    assert "Waarom wordt de missie geannuleerd?" in confirm and "De missie behouden" in confirm
    assert "Er staat niemand op de lijst van de missie." in confirm
    client.post(f"/missions/{mission.pk}/cancel/", {"reason": "Geen tolk."}, headers=dutch)
    page = client.get(f"/missions/{mission.pk}/", headers=dutch).content.decode()
    assert "De missie is geannuleerd." in page and "geannuleerd</span>" in page
    assert "Reden van annulering" in page
