"""The pictures of the user guide (docs/user-guide.md), taken by walking through the pages.

A Dutch return service on Monday 2 March 2026 (the clock is frozen, so every picture comes
out the same): Anna de Vries and her colleague Daan Koster hold a caseload of synthetic
persons: the Benali family, whose return decisions were issued weeks ago; a man whose
irregular stay was detected twelve days ago and who still waits for his return decision; an
unaccompanied minor; a case the police handed over this morning. The walk signs in as
Anna, finds and reads cases, fills in the decision forms, records a passport from its
machine-readable zone and a missed appointment at an embassy, runs into a colleague's change,
registers a person who may be known already, hands a case to the police; Pieter Bakker of the
police answers; Sanne Jansen, the supervisor, looks at her team, and Ruud Visser, the auditor,
at the access log. A second walk, on a caseload of its own, photographs the chapters on
identification, readmission requests and statistics (``NEWER_CHAPTERS``): Anna plans the
presentations to a Pakistani delegation and drafts a readmission request, Tom Smit, a
statistician, and Eva Lindqvist, the EU coordinator, read the figures. Every page is checked
with axe-core before it is photographed.

The pictures go to ``test-artifacts/user-guide/``; with ``RETOUR_UPDATE_USER_GUIDE=1`` (``make
user-guide``) into ``docs/user-guide/``, where the guide finds them. The guide and the walk
cannot drift apart: each walk must take exactly the pictures its chapters of the guide show.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Collection, Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from conftest import make_user
from retour import clock
from retour.accounts.models import User
from retour.accounts.roles import RoleCode
from retour.api.tests.conftest import TODAY
from retour.cases import actions
from retour.cases.models import Decision, ReturnCase
from retour.identification.actions import (
    NewDocument,
    NewEvidence,
    record_identity_document,
    record_identity_evidence,
)
from retour.identification.missions import (
    NewMission,
    plan_mission,
    present_person,
    record_presentation_outcome,
)
from retour.identification.reviews import queue_possible_matches
from retour.people.actions import NameInput, NewPerson, link_family_members, register_person
from retour.people.models import Person
from retour.readmission import actions as readmission
from retour.readmission.models import ReadmissionRequest
from retour.statistics.models import IndicatorValue, StatisticsRun
from retour.testing.browser import ARTIFACTS, assert_accessible, sign_in
from retour.web.tests.test_statistics_pages import ASYLUM, build_cube

pytestmark = pytest.mark.usefixtures("frozen_clock")

DOCS = Path(__file__).resolve().parents[4] / "docs"
GUIDE = DOCS / "user-guide.md"
PICTURES = DOCS / "user-guide"
WIDTH = 1280
LOCAL = ZoneInfo("Europe/Brussels")
POLICE = "Politie – Afdeling Vreemdelingen, Identificatie en Mensenhandel"
_IMAGE = re.compile(r"!\[[^\]]*\]\(user-guide/([^)\s]+)\)")
_CHAPTER = re.compile(r"^## \d+\. (.+)$", re.MULTILINE)
# The chapters the second walk photographs; the first walk photographs the others.
NEWER_CHAPTERS = ("Identification", "Readmission requests", "Statistics")
# Machine-readable zones of synthetic passports, with correct check digits (ICAO Doc 9303).
SAMIR_PASSPORT = ["P<MARBENALI<<SAMIR<<<<<<<<<<<<<<<<<<<<<<<<<<",
                  "UZ88412350MAR9108149M2906117<<<<<<<<<<<<<<<6"]
OMID_PASSPORT = ["P<AFGRAHIMI<<OMID<<<<<<<<<<<<<<<<<<<<<<<<<<<",
                 "P044179826AFG9803156M2509046<<<<<<<<<<<<<<<0"]


def pictures_in_the_guide(chapters: Collection[str] | None = None) -> list[str]:
    """The file names of the pictures the guide shows, in its order: all of them, or those of
    the ``chapters`` named (by their title, without the number)."""
    text = GUIDE.read_text(encoding="utf-8")
    if chapters is None:
        return _IMAGE.findall(text)
    # re.split with one group: the text before the first chapter, then title, body, title, body…
    parts = _CHAPTER.split(text)[1:]
    missing = set(chapters) - set(parts[::2])
    assert not missing, f"the guide has no chapter {', '.join(sorted(missing))}"
    return [picture for title, body in zip(parts[::2], parts[1::2], strict=True)
            if title in chapters for picture in _IMAGE.findall(body)]


def pictures_of_the_first_walk() -> list[str]:
    return sorted(set(pictures_in_the_guide()) - set(pictures_in_the_guide(NEWER_CHAPTERS)))


@contextlib.contextmanager
def on(days_ago: int, at: str = "10:00") -> Iterator[None]:
    """The clock set to a working hour (Brussels time) ``days_ago`` days before today."""
    hour, minute = (int(part) for part in at.split(":"))
    moment = datetime.combine(TODAY - timedelta(days=days_ago), time(hour, minute), LOCAL)
    with clock.frozen_at(moment):
        yield


def day(days_ago: int) -> date:
    return TODAY - timedelta(days=days_ago)


def person(user: User, surname: str, given: str, *, sex: str, born: tuple[int, ...],
           nationality: str, languages: list[str], original: tuple[str, str, str] | None = None,
           vulnerabilities: list[str] | None = None, place: str = "",
           estimated: bool = False) -> Person:
    """A synthetic person; ``original`` is the name in its own script (surname, given, script)."""
    names = [NameInput(surname=surname, given_names=given)]
    if original:
        names.append(NameInput(surname=original[0], given_names=original[1], script=original[2]))
    year, month, day_of_month = (*born, None, None)[:3]
    return register_person(user, NewPerson(
        names=names, sex=sex, birth_year=year, birth_month=month, birth_day=day_of_month,
        birth_date_estimated=estimated, place_of_birth=place, country_of_birth=nationality,
        claimed_nationalities=[nationality], languages=languages,
        vulnerabilities=vulnerabilities or [],
    ))


def in_force(case: ReturnCase, kind: str) -> int:
    return int(case.decisions.get(kind=kind, status=Decision.Status.IN_FORCE).pk)


def caseload(anna: User, pieter: User, sanne: User) -> dict[str, ReturnCase]:
    """The cases of the walk, built through the actions with the clock set to when each step
    happened, so that histories, deadlines and overdue work read as they would."""
    daan = make_user("daan", "Daan", "Koster", "nl-dtv", (RoleCode.CASE_OFFICER,))
    cases: dict[str, ReturnCase] = {}

    with on(40, "09:12"):
        samir = person(anna, "Benali", "Samir", sex="M", born=(1991, 8, 14), nationality="MA",
                       languages=["ar", "fr"], original=("بن علي", "سمير", "Arab"),
                       place="Casablanca")
        nadia = person(anna, "Benali", "Nadia", sex="F", born=(1993, 2, 11), nationality="MA",
                       languages=["ar", "fr"], original=("بن علي", "نادية", "Arab"))
        yassin = person(anna, "Benali", "Yassin", sex="M", born=(2016, 4, 2), nationality="MA",
                        languages=["ar", "nl"], original=("بن علي", "ياسين", "Arab"),
                        vulnerabilities=["minor"])
        link_family_members(anna, samir.pk, nadia.pk, "spouse_of")
        link_family_members(anna, samir.pk, yassin.pk, "parent_of")
        link_family_members(anna, nadia.pk, yassin.pk, "parent_of")
        for name, who in (("samir", samir), ("nadia", nadia), ("yassin", yassin)):
            cases[name] = actions.open_case(
                anna, who.pk, origin="negative_asylum_decision",
                reason="Asylum applications of the family refused by the IND; no further appeal.",
            )
        record_identity_document(anna, samir.pk, NewDocument(
            kind="passport", form="copy", kept_at="case file", zone=SAMIR_PASSPORT,
        ), reason="Copy from the asylum file of the IND.")
    with on(39, "14:30"):
        for name in ("samir", "nadia", "yassin"):
            actions.assign_case(sanne, cases[name].pk, officer_username="anna")
    with on(38, "11:05"):
        for number, name in enumerate(("samir", "nadia", "yassin"), start=417):
            actions.record_end_of_legal_stay(
                anna, cases[name].pk, decided_on=day(45), issuing_authority="nl-ind",
                reference=f"IND-2026-00{number}",
            )
    with on(30, "15:40"):
        actions.record_vulnerability(anna, samir.pk, kind="serious_illness", noted_on=day(30),
                                     reason="Medical report of the GP: diabetes, insulin.")
    with on(25, "10:20"):
        for name in ("samir", "nadia", "yassin"):
            actions.issue_return_decision(
                anna, cases[name].pk, decided_on=day(25), voluntary_departure_days=30,
                reference=f"DTV-TB-2026-{name.upper()}",
                reason="The family leaves together; return counselling offered.",
            )
    with on(20, "16:02"):
        actions.lodge_appeal(
            anna, cases["samir"].pk, lodged_on=day(21), suspensive=False,
            contested_decision_id=in_force(cases["samir"], Decision.Kind.RETURN_DECISION),
            reason="Appeal to the District Court of The Hague, no request for interim relief.",
        )

    with on(60, "09:30"):
        rustam = person(anna, "Nazarov", "Rustam", sex="M", born=(1983, 10, 9),
                        nationality="UZ", languages=["uz", "ru"],
                        original=("Назаров", "Рустам", "Cyrl"))
        cases["rustam"] = actions.open_case(anna, rustam.pk, origin="residence_permit_ended")
        actions.record_end_of_legal_stay(anna, cases["rustam"].pk, decided_on=day(62),
                                         issuing_authority="nl-ind")
        actions.issue_return_decision(anna, cases["rustam"].pk, decided_on=day(60),
                                      voluntary_departure_days=28)
    with on(10, "13:15"):
        actions.record_voluntary_departure(anna, cases["rustam"].pk, departed_on=day(11),
                                           destination="UZ", assisted=True)
        actions.close_case(anna, cases["rustam"].pk, outcome="returned_voluntarily")

    with on(30, "10:45"):
        wei = person(anna, "Li", "Wei", sex="M", born=(1979, 3, 3), nationality="CN",
                     languages=["zh"], original=("李", "伟", "Hani"))
        cases["wei"] = actions.open_case(anna, wei.pk, origin="ees_overstay")
        actions.assign_case(sanne, cases["wei"].pk, officer_username="daan")
    with on(28, "11:00"):
        actions.issue_return_decision(daan, cases["wei"].pk, decided_on=day(28),
                                      voluntary_departure_days=30)

    with on(15, "08:50"):
        tunde = person(anna, "Oyelaran", "Tunde", sex="M", born=(1985, 1, 30),
                       nationality="NG", languages=["en", "yo"])
        cases["tunde"] = actions.open_case(anna, tunde.pk, origin="residence_permit_ended")
        actions.assign_case(sanne, cases["tunde"].pk, officer_username="daan")
        actions.record_end_of_legal_stay(daan, cases["tunde"].pk, decided_on=day(20),
                                         issuing_authority="nl-ind")
    with on(14, "09:40"):
        actions.issue_return_decision(
            daan, cases["tunde"].pk, decided_on=day(14), voluntary_departure_days=0,
            shortened_departure_reason="risk_of_absconding",
            reason="Did not report to the police as required; address unknown for weeks.",
        )

    with on(12, "14:10"):
        omid = person(anna, "Rahimi", "Omid", sex="M", born=(1998,), nationality="AF",
                      languages=["fa-AF", "ps"], original=("رحیمی", "امید", "Arab"))
        cases["omid"] = actions.open_case(anna, omid.pk, origin="irregular_stay_detected")

    with on(6, "10:30"):
        mariana = person(anna, "Gómez", "Mariana", sex="F", born=(1996, 7), nationality="CO",
                         languages=["es"])
        cases["mariana"] = actions.open_case(anna, mariana.pk, origin="ees_overstay")

    with on(3, "16:20"):
        abdi = person(anna, "Warsame", "Abdi", sex="M", born=(2009,), estimated=True,
                      nationality="SO", languages=["so"], vulnerabilities=["unaccompanied_minor"])
        cases["abdi"] = actions.open_case(anna, abdi.pk, origin="irregular_stay_detected")
        actions.assign_case(sanne, cases["abdi"].pk, officer_username="daan")

    with on(2, "11:30"):
        giorgi = person(anna, "Beridze", "Giorgi", sex="M", born=(1990, 6, 21),
                        nationality="GE", languages=["ka", "ru"],
                        original=("ბერიძე", "გიორგი", "Geor"))
        cases["giorgi"] = actions.open_case(anna, giorgi.pk, origin="negative_asylum_decision")
        actions.assign_case(sanne, cases["giorgi"].pk, officer_username="anna")

    with on(0, "08:15"):
        arben = person(pieter, "Hoxha", "Arben", sex="M", born=(1987, 11, 3),
                       nationality="AL", languages=["sq", "it"])
        cases["arben"] = actions.open_case(pieter, arben.pk, origin="irregular_stay_detected")
        actions.send_handover(
            pieter, cases["arben"].pk, to_authority="nl-dtv",
            note="Found without a residence permit at a check in Rotterdam; Albanian passport "
                 "seized. Please issue the return decision.",
        )
    return cases


class Walk:
    """Photographs each page of the walk once, after checking it with axe-core."""

    def __init__(self, page: Any, folder: Path) -> None:
        self.page = page
        self.folder = folder
        self.taken: list[str] = []

    def picture(self, name: str, *, whole: bool = True, part: Any = None) -> None:
        """The page from the top, whole or (when what matters is at the top) one screen; or
        only ``part`` of it (a locator), when what matters is one section of a long page."""
        assert_accessible(self.page)
        assert name not in self.taken, f"{name} taken twice"
        if part is not None:
            part.screenshot(path=str(self.folder / name))
        else:
            # From the top: the skip link sits above the page, which a scrolled picture shows.
            self.page.evaluate("window.scrollTo(0, 0)")
            self.page.screenshot(path=str(self.folder / name), full_page=whole)
        self.taken.append(name)

    def check(self, shown: list[str]) -> None:
        """The walk took exactly the pictures ``shown`` in its chapters of the guide; when it
        took them for the guide, pictures the guide no longer shows at all go."""
        assert sorted(self.taken) == sorted(shown), "the walk and the guide show different pictures"
        if self.folder == PICTURES:
            everything = set(pictures_in_the_guide())
            for stale in PICTURES.glob("*.png"):
                if stale.name not in everything:
                    stale.unlink()

    def done(self, text: str) -> None:
        expect(self.page.get_by_role("status")).to_have_text(text)

    def open_case(self, case: ReturnCase) -> None:
        self.page.goto(f"/cases/{case.pk}/")

    def sign_out(self) -> None:
        self.page.get_by_role("button", name="Sign out").click()
        self.page.wait_for_url("**/accounts/login/")


def picture_folder() -> Path:
    if os.environ.get("RETOUR_UPDATE_USER_GUIDE") == "1":
        return PICTURES
    folder = ARTIFACTS / "user-guide"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.browser
def test_the_user_guide_walk(page, anna, pieter, sanne, ruud):
    cases = caseload(anna, pieter, sanne)
    page.set_viewport_size({"width": WIDTH, "height": 800})
    walk = Walk(page, picture_folder())
    label = page.get_by_label

    # Signing in.
    page.goto("/accounts/login/")
    walk.picture("sign-in.png")
    sign_in(page, "anna", "x-anna")

    # The home page of a case officer.
    expect(page.get_by_role("region", name="Open tasks")).to_contain_text("5 days overdue")
    expect(page.get_by_role("region", name="Cases handed over to your authority")).to_contain_text(
        "Arben Hoxha"
    )
    walk.picture("home-case-officer.png")

    # Finding a case: a name in the script it was written in.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Cases").click()
    label("Name or case number").fill("بن علي")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("status").filter(has_text="3 cases found").wait_for()
    walk.picture("case-list.png")

    # The case page.
    page.get_by_role("link", name=cases["samir"].number).click()
    expect(page.get_by_role("heading", name="Take into account")).to_be_visible()
    walk.picture("case-page.png")

    # Recording decisions on Giorgi Beridze's new case.
    walk.open_case(cases["giorgi"])
    page.get_by_role("link", name="Record end of legal stay").click()
    label("Date of the decision that ended the legal stay").fill(day(4).isoformat())
    label("Authority that took the decision").select_option("nl-ind")
    label("Reference of the decision").fill("IND-2026-00913")
    label("Note for the case history").fill("Asylum application refused; no appeal lodged.")
    walk.picture("record-end-of-legal-stay.png")
    page.get_by_role("button", name="Record end of legal stay").click()
    walk.done("Record end of legal stay: done.")

    page.get_by_role("link", name="Issue return decision").click()
    days = label("Period for voluntary departure (days)")
    label("Date of the return decision").fill(TODAY.isoformat())
    days.fill("30")
    label("Reference of the decision").fill("DTV-TB-2026-0377")
    label("Note for the case history").fill("Handed to him in person, with an interpreter.")
    walk.picture("issue-return-decision.png")
    days.fill("45")
    page.get_by_role("button", name="Issue return decision").click()
    expect(page.get_by_role("alert")).to_contain_text("at most 30 days")
    walk.picture("form-errors.png")
    days.fill("30")
    page.get_by_role("button", name="Issue return decision").click()
    walk.done("Issue return decision: done.")

    page.get_by_role("link", name="Issue entry ban").click()
    label("Date of the entry ban").fill(TODAY.isoformat())
    label("Length: years").fill("1")
    label("Reason").fill("Earlier return decision of 2023 not complied with.")
    walk.picture("issue-entry-ban.png")
    page.get_by_role("button", name="Issue entry ban").click()
    walk.done("Issue entry ban: done.")

    page.get_by_role("link", name="Record appeal", exact=True).click()
    label("Contested decision").select_option(label="Return decision of March 2, 2026")
    label("Date the appeal was lodged").fill(TODAY.isoformat())
    label("The appeal suspends the return (suspensive effect)").check()
    label("Note for the case history").fill("Appeal with a request for interim relief.")
    walk.picture("record-appeal.png")
    page.get_by_role("link", name="Cancel").click()

    # A postponement on Tunde Oyelaran's case, in forced-return preparation.
    walk.open_case(cases["tunde"])
    page.get_by_role("link", name="Postpone removal").click()
    label("Ground for postponement").select_option("physical_or_mental_state")
    label("Date of the decision").fill(TODAY.isoformat())
    label("Postponed until (optional)").fill((TODAY + timedelta(days=28)).isoformat())
    label("Facts behind the postponement").fill(
        "Admitted to hospital on 27 February; fit to travel not before the end of March."
    )
    walk.picture("postpone-removal.png")
    page.get_by_role("link", name="Cancel").click()

    # Omid Rahimi's expired passport, from its machine-readable zone; then a missed appointment
    # at the embassy that was to issue him a laissez-passer.
    walk.open_case(cases["omid"])
    page.get_by_role("region", name="Identity documents").first.get_by_role(
        "link", name="Record a document"
    ).click()
    label("Kind of document").select_option("passport")
    label("copy", exact=True).check()
    label("Machine-readable zone").fill("\n".join(OMID_PASSPORT))
    label("Where the document is kept").fill("case file")
    label("Note for the case history").fill("Copy found on his phone at the interview.")
    page.get_by_role("button", name="Read the zone").click()
    expect(page.locator("#zone-preview")).to_contain_text("every check digit is valid")
    walk.picture("record-document.png")
    page.get_by_role("button", name="Record document").click()
    walk.done("The document “passport” is recorded.")
    expect(page.get_by_role("region", name="Identity documents").first).to_contain_text("expired")
    walk.picture("case-documents.png", part=page.locator("section", has=page.get_by_role(
        "heading", name="Identity documents", exact=True)))
    page.get_by_role("link", name="Record non-cooperation").click()
    label("What happened").select_option("refused_to_attend")
    label("Date it happened").fill(day(1).isoformat())
    label("Evidence").fill("Did not come to the appointment at the embassy of Afghanistan to "
                           "apply for a laissez-passer; report of the escort service.")
    label("Consequence").select_option("risk_of_absconding")
    page.get_by_role("button", name="Record non-cooperation").click()
    walk.done("Record non-cooperation: done.")
    walk.picture("case-non-cooperation.png", part=page.locator("section", has=page.get_by_role(
        "heading", name="Non-cooperation", exact=True)))

    # Someone else changed the case in the meantime.
    walk.open_case(cases["samir"])
    page.get_by_role("link", name="Extend voluntary departure").click()
    label("Date of the decision").fill(TODAY.isoformat())
    label("Extension (days)").fill("14")
    label("Circumstances that justify the extension").select_option("children_at_school")
    label("Details").fill("Yassin finishes the school term on 20 March.")
    actions.assign_case(sanne, cases["samir"].pk, officer_username="daan",
                        reason="Anna is on leave from next week.")
    page.get_by_role("button", name="Extend voluntary departure").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Sanne Jansen (Dienst Terugkeer en Vertrek) changed this case"
    )
    walk.picture("conflict.png")
    page.get_by_role("button", name="Extend voluntary departure").click()
    walk.done("Extend voluntary departure: done.")

    # Registering a person who may be known already, and opening a case.
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Register a person"
    ).click()
    label("Surname", exact=True).fill("Benali")
    label("Given names (optional)", exact=True).fill("Samir")
    label("male", exact=True).check()
    label("Year (optional)", exact=True).fill("1991")
    label("Claimed nationalities").select_option("MA")
    page.get_by_role("button", name="Register person").click()
    warning = page.get_by_role("heading", name="This person may already be registered")
    expect(warning).to_be_visible()
    walk.picture("register-person.png", whole=False)
    label("This is a different person from the ones listed above").check()
    page.get_by_role("button", name="Register person").click()
    # registered, and the pair with Samir Benali's record waits for an officer's review
    walk.done("The person is registered.1 possible match is waiting for review.")
    label("irregular stay detected").check()
    label("Note for the case history").fill(
        "Found at Schiphol without a visa; a namesake of the person of case "
        f"{cases['samir'].number}, fingerprints differ."
    )
    walk.picture("open-case.png")
    page.get_by_role("button", name="Open case").click()
    walk.done("The case is opened.")

    # Handing Tunde Oyelaran's case over to the police.
    walk.open_case(cases["tunde"])
    page.get_by_role("link", name="Hand over").click()
    label("Hand over to").select_option(label=POLICE)
    label("Note for the receiving authority").fill(
        "No travel document: please present him to the Nigerian embassy and prepare the removal "
        "once he is fit to travel."
    )
    walk.picture("handover-send.png")
    page.get_by_role("button", name="Hand over").click()
    expect(page.get_by_role("heading", name="Hand-over waiting for acceptance")).to_be_visible()
    walk.sign_out()

    # Pieter of the police answers.
    sign_in(page, "pieter", "x-pieter")
    walk.open_case(cases["tunde"])
    expect(page.get_by_role("button", name="Accept")).to_be_visible()
    walk.picture("handover-receive.png", whole=False)
    page.get_by_role("button", name="Accept").click()
    walk.done("Accept hand-over: done.")

    # In Dutch.
    label("Language").select_option("nl")
    page.get_by_role("button", name="Change").click()
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    walk.picture("language.png", whole=False)
    page.get_by_label("Taal").select_option("en")
    page.get_by_role("button", name="Wijzigen").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.get_by_role("link", name="Accessibility statement").click()
    walk.picture("accessibility.png")
    walk.sign_out()

    # The supervisor.
    sign_in(page, "sanne", "x-sanne")
    expect(page.get_by_role("region", name="Open cases per officer")).to_contain_text("Daan Koster")
    walk.picture("home-supervisor.png")
    walk.sign_out()

    # The auditor: who has seen Samir Benali's data?
    sign_in(page, "ruud", "x-ruud")
    page.get_by_role("link", name="Access log: who read or changed a person's data").click()
    label("Name or case number").fill(cases["samir"].number)
    page.get_by_role("button", name="Search").click()
    page.get_by_role("region", name="Persons found").get_by_role(
        "link", name="Samir Benali"
    ).click()
    page.get_by_role("heading", name="Access history").wait_for()
    walk.picture("audit.png", whole=False)
    walk.sign_out()

    # The warning before the session ends, two minutes early (the browser's clock is moved on).
    sign_in(page, "anna", "x-anna")
    page.clock.install()
    page.goto("/")
    page.clock.fast_forward("28:01")
    page.get_by_role("alertdialog").wait_for()
    walk.picture("session-warning.png", whole=False)

    walk.check(pictures_of_the_first_walk())


def awaiting_return(anna: User, who: Person, days_ago: int, evidence: str) -> ReturnCase:
    """A case opened ``days_ago`` days ago whose return decision was issued the same day, with
    a language analysis pointing to the country of ``evidence``."""
    with on(days_ago):
        case = actions.open_case(anna, who.pk, origin="negative_asylum_decision")
        actions.record_end_of_legal_stay(anna, case.pk, decided_on=day(days_ago + 5),
                                         issuing_authority="nl-ind")
        actions.issue_return_decision(anna, case.pk, decided_on=day(days_ago),
                                      voluntary_departure_days=28)
        record_identity_evidence(anna, who.pk, NewEvidence(
            kind="language_analysis", taken_on=day(days_ago), nationality=evidence,
            summary="Language analysis by the IND's Bureau Land en Taal."))
    return case


def submitted(anna: User, case: ReturnCase, country: str, days_ago: int) -> ReadmissionRequest:
    with on(days_ago):
        draft = readmission.draft_readmission_request(anna, case.pk, third_country=country)
        return readmission.submit_readmission_request(anna, draft.pk, submitted_on=day(days_ago))


def newer_caseload(anna: User, lucas: User) -> dict[str, Any]:
    """What the pages of identification, readmission and statistics need: Pakistanis awaiting
    return, three of them presented at the consulate of Pakistan on 10 February; readmission
    requests to Pakistan in every state, one to Ukraine unanswered past its limit, one of
    Belgium's; a Georgian ready for a request; a person registered twice, once in Arabic
    script only; and a small indicator cube, computed early this morning."""
    pakistanis = {
        name: person(anna, surname, given, sex="M", born=born, nationality="PK",
                     languages=["ur", "pa"])
        for name, surname, given, born in (
            ("imran", "Qureshi", "Imran", (1988, 4, 12)), ("bilal", "Ahmed", "Bilal", (1992,)),
            ("asif", "Khan", "Asif", (1985, 9, 30)), ("tariq", "Mehmood", "Tariq", (1990, 1, 5)),
            ("usman", "Butt", "Usman", (1996, 11, 2)),
        )
    }
    cases = {name: awaiting_return(anna, who, days_ago, "PK") for (name, who), days_ago
             in zip(pakistanis.items(), (75, 70, 61, 40, 20), strict=True)}
    requests = {name: submitted(anna, cases[name], "PK", days_ago)
                for name, days_ago in (("imran", 56), ("bilal", 51), ("asif", 29))}
    with on(46):
        readmission.record_readmission_reply(anna, requests["imran"].pk, outcome="accepted",
                                             replied_on=day(46))
    with on(38):
        readmission.record_travel_document(
            anna, requests["imran"].pk, kind="laissez_passer", number="PK-ETD-20417",
            issued_on=day(38), valid_until=day(38) + timedelta(days=180))
    with on(1):
        readmission.record_readmission_reply(
            anna, requests["bilal"].pk, outcome="rejected", replied_on=day(1),
            reasons="The language analysis alone does not prove Pakistani nationality.")

    olena = person(anna, "Kovalenko", "Olena", sex="F", born=(1979, 6, 14), nationality="UA",
                   languages=["uk", "ru"], original=("Коваленко", "Олена", "Cyrl"))
    overdue = submitted(anna, awaiting_return(anna, olena, 30, "UA"), "UA", 20)
    levan = person(anna, "Kapanadze", "Levan", sex="M", born=(1994, 2, 8), nationality="GE",
                   languages=["ka", "ru"], original=("კაპანაძე", "ლევანი", "Geor"))
    georgian = awaiting_return(anna, levan, 9, "GE")
    belgian = person(lucas, "Javed", "Hamza", sex="M", born=(1991, 3, 3), nationality="PK",
                     languages=["ur"])
    with on(45):
        case = actions.open_case(lucas, belgian.pk, origin="irregular_stay_detected")
        actions.issue_return_decision(lucas, case.pk, decided_on=day(45),
                                      voluntary_departure_days=0,
                                      shortened_departure_reason="risk_of_absconding")
        record_identity_evidence(lucas, belgian.pk, NewEvidence(
            kind="language_analysis", taken_on=day(45), nationality="PK"))
    accepted = submitted(lucas, case, "PK", 44)
    with on(3):
        readmission.record_readmission_reply(lucas, accepted.pk, outcome="accepted",
                                             replied_on=day(3))

    with on(30):
        mission = plan_mission(anna, NewMission(
            country="PK", kind="consular_interview", starts_on=day(20), ends_on=day(20),
            place="Consulate of Pakistan, The Hague", interpreter_languages=["ur", "pa"]))
        presented = [present_person(anna, mission.pk, pakistanis[name].pk,
                                    availability="reporting", case_id=cases[name].pk)
                     for name in ("asif", "tariq", "usman")]
    with on(20):
        for presentation, outcome in zip(presented, ("identified", "not_identified"),
                                         strict=False):
            record_presentation_outcome(anna, presentation.pk, outcome=outcome,
                                        outcome_on=day(20))
    with on(5):
        plan_mission(anna, NewMission(
            country="MA", kind="delegation_mission", starts_on=day(-12), ends_on=day(-14),
            place="Detention centre Rotterdam", interpreter_languages=["ar"]))

    with on(4):
        haddad = person(anna, "Haddad", "Karim", sex="M", born=(1994, 5, 17),
                        nationality="MA", languages=["ar"])
        awaiting_return(anna, haddad, 4, "MA")
    with on(1):
        arabic = register_person(anna, NewPerson(
            names=[NameInput(surname="حداد", given_names="كريم", script="Arab")], sex="M",
            birth_year=1994, birth_month=5, birth_day=17, claimed_nationalities=["MA"],
            languages=["ar"]))
        queue_possible_matches(anna, arabic.pk)

    build_cube()
    computed = datetime.combine(TODAY, time(6, 30), LOCAL)
    StatisticsRun.objects.update(started_at=computed, finished_at=computed)
    IndicatorValue.objects.update(computed_at=computed)
    return {"mission": mission, "overdue": overdue, "georgian": georgian}


@pytest.mark.browser
def test_the_user_guide_walk_of_identification_readmission_and_statistics(
    page, anna, lucas, tom, eva
):
    """Anna plans the presentations to a Pakistani delegation, reads a held mission, compares
    a possible match, drafts a readmission request to Georgia, finds the overdue request first
    and compares the countries' cooperation; Tom, a statistician, follows an indicator and
    writes the commentary of the quarter; Eva, the EU coordinator, sees small counts withheld."""
    world = newer_caseload(anna, lucas)
    page.set_viewport_size({"width": WIDTH, "height": 800})
    walk = Walk(page, picture_folder())
    main = page.get_by_role("navigation", name="Main")
    sign_in(page, "anna", "x-anna")

    # Identification: the missions and who is ready to be presented to Pakistan.
    main.get_by_role("link", name="Missions").click()
    page.get_by_label("Country of the delegation").select_option("PK")
    page.get_by_role("button", name="Show persons").click()
    expect(page.locator("#planning-results")).to_contain_text("ready to be presented to Pakistan")
    walk.picture("missions.png")
    page.goto(f"/missions/{world['mission'].pk}/")
    expect(page.get_by_role("region", name="Persons presented").first).to_contain_text(
        "not identified")
    walk.picture("mission.png")
    main.get_by_role("link", name="Possible matches").click()
    page.get_by_role("link", name="Review pair 1").click()
    expect(page.get_by_role("heading", name="Possibly the same as: Karim Haddad")).to_be_visible()
    walk.picture("match-review.png")

    # Readmission: a request to Georgia drafted from the case page, then the list.
    walk.open_case(world["georgian"])
    section = page.get_by_role("region", name="Readmission requests")
    section.get_by_label("Country requested to readmit").select_option("GE")
    section.get_by_role("button", name="Draft the request").click()
    expect(page.get_by_role("table", name="Rules of this version")).to_be_visible()
    walk.picture("readmission-request.png")
    main.get_by_role("link", name="Readmission").click()
    rows = page.locator("#readmission-results tbody tr")
    expect(rows.first).to_contain_text(world["overdue"].reference)
    walk.picture("readmission-list.png")
    main.get_by_role("link", name="Scorecard").click()
    expect(page.get_by_role("row", name="Pakistan")).to_be_visible()
    walk.picture("scorecard.png")
    walk.sign_out()

    # Statistics: Tom follows an indicator and comments on the quarter.
    sign_in(page, "tom", "x-tom")
    main.get_by_role("link", name="Statistics").click()
    page.get_by_role("link", name="Indicator trends").click()
    expect(page.locator(".retour-chart svg").first).to_be_visible()
    expect(page.get_by_role("row", name="All")).to_contain_text("25")
    walk.picture("statistics-trends.png")
    page.goto("/statistics/report/2026Q1/")
    page.get_by_role("textbox", name="Introduction (optional)").fill(
        "More return decisions after asylum than in any quarter of 2025.")
    page.get_by_role("button", name="Save the commentary").click()
    expect(page.get_by_role("status")).to_have_text("The commentary is saved.")
    walk.picture("quarterly-report.png", whole=False)
    walk.sign_out()

    # The EU coordinator: return decisions of all member states by citizenship, small counts
    # withheld.
    sign_in(page, "eva", "x-eva")
    page.goto(f"/statistics/trends/?indicator={ASYLUM}&first=2026Q1&breakdown=citizenship")
    expect(page.get_by_role("row", name="Pakistan")).to_contain_text("withheld")
    walk.picture("statistics-withheld.png")

    walk.check(pictures_in_the_guide(NEWER_CHAPTERS))


# After the walk, which (with RETOUR_UPDATE_USER_GUIDE=1) brings the pictures up to date.
def test_every_picture_of_the_guide_is_there_and_every_picture_there_is_in_the_guide():
    shown = pictures_in_the_guide()
    assert shown, "the guide shows no picture"
    assert len(shown) == len(set(shown)), "a picture is shown twice"
    there = sorted(p.name for p in PICTURES.iterdir())
    assert sorted(shown) == there, "run `make user-guide` after changing the guide"
