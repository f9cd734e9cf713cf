"""The case list at /cases/: filters in the query string, search by name, case number or date
of birth in a POST body, sorting, pages, scoping, the access log and a constant number of
queries per page."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from retour import clock
from retour.audit.models import AccessLogEntry
from retour.cases import actions
from retour.cases.search import SORTS, CaseFilters
from retour.errors import InvalidInput
from retour.people.actions import NameInput
from retour.testing.factories import case_for, case_in_voluntary_departure
from retour.web.cases.forms_search import SORT_CHOICES
from retour.web.cases.views_list import PAGE_SIZE

pytestmark = pytest.mark.usefixtures("frozen_clock")

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TODAY = NOW.date()
URL = "/cases/"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def dutch_cases(anna, pieter, sanne):
    """Six Dutch cases opened on successive days, each with something to find it by."""
    made = {}

    def opened(days_ago: int, key: str, **kwargs) -> None:
        with clock.frozen_at(NOW - timedelta(days=days_ago)):
            made[key] = case_for(anna, **kwargs)

    opened(40, "late", origin="irregular_stay_detected")  # its return decision is overdue
    opened(5, "muller", names=[
        NameInput(surname="Müller", given_names="Jürgen"),
        NameInput(surname="Мюллер", given_names="Юрген", script="Cyrl"),
    ], claimed_nationalities=["UA"])
    opened(4, "arabic", arabic_script=True)
    opened(3, "minor", unaccompanied_minor=True, claimed_nationalities=["AF"])
    opened(2, "year_only", year_only_birth=True, names=[NameInput(surname="Okafor")],
           claimed_nationalities=[], confirmed_nationalities=["NG"])
    made["voluntary"] = case_in_voluntary_departure(anna, decided_on=TODAY - timedelta(days=1))
    actions.send_handover(anna, made["arabic"].pk, to_authority="nl-avim", note="please")
    actions.accept_handover(pieter, made["arabic"].pk)
    actions.assign_case(sanne, made["muller"].pk, officer_username="anna")
    return {key: case.number for key, case in made.items()}


# The list tests read as the auditor, who sees every case of the member state: a case
# officer sees only their authority's cases, and the arabic case went to the police (ADR 0016).


def found(response) -> list[str]:
    """The case numbers in the result table, in order."""
    assert response.status_code == 200, response.content
    return re.findall(r'scope="row"><a class="utrecht-link" href="/cases/[0-9a-f-]+/">([^<]+)</a>',
                      response.content.decode())


def results(response) -> str:
    """The result table, without the forms (whose options name stages, countries…)."""
    page = response.content.decode()
    return page[page.index('<div id="case-results">'):]


def test_lists_the_visible_cases_newest_first_with_what_a_row_shows(dutch_cases, ruud):
    response = signed_in(ruud).get(URL)
    assert found(response) == [
        dutch_cases[key]
        for key in ("voluntary", "year_only", "minor", "arabic", "muller", "late")
    ]
    assert "<title>Cases – Retour</title>" in response.content.decode()
    assert "6 cases found; showing 1 to 6." in response.content.decode()
    page = results(response)
    assert '<bdi dir="auto" class="retour-name">Jürgen Müller</bdi>' in page
    assert '<bdi dir="auto" class="retour-name">Юрген Мюллер</bdi>' in page
    assert '<bdi dir="auto" class="retour-name">كريم حداد</bdi>' in page
    for shown in ("voluntary-departure period", "negative asylum decision",
                  "irregular stay detected", "Ukraine (claimed)", "Nigeria",
                  "Politie – Afdeling Vreemdelingen", "Anna de Vries", "unaccompanied minor",
                  "not assigned", "born 1994", "2026-02-25",
                  '<span class="utrecht-status-badge utrecht-status-badge--danger">overdue'):
        assert shown in page, shown
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"stage": "voluntary_departure"}, ["voluntary"]),
        ({"origin": "irregular_stay_detected"}, ["late"]),
        ({"citizenship": "ua"}, ["muller"]),
        ({"citizenship": "NG"}, ["year_only"]),
        ({"authority": "nl-avim"}, ["arabic"]),
        ({"officer": "anna"}, ["muller"]),
        ({"overdue": "yes"}, ["late", "minor"]),  # the best interests to assess on opening
        ({"overdue": "no"}, ["muller", "arabic", "year_only", "voluntary"]),
        ({"vulnerability": "unaccompanied_minor"}, ["minor"]),
        ({"stage": "registered", "origin": "irregular_stay_detected", "overdue": "no"}, []),
    ],
)
def test_filters_in_the_query_string(params, expected, dutch_cases, ruud):
    numbers = found(signed_in(ruud).get(URL, params))
    assert sorted(numbers) == sorted(dutch_cases[key] for key in expected)


@pytest.mark.parametrize(
    ("terms", "expected"),
    [
        ({"q": "muller"}, ["muller"]),
        ({"q": "MÜLLER jürgen"}, ["muller"]),
        ({"q": "Jurgen Muller"}, ["muller"]),  # words in any order
        ({"q": "Мюллер"}, ["muller"]),  # Cyrillic finds the Cyrillic name
        ({"q": "Haddad"}, ["late", "arabic", "minor", "voluntary"]),  # the factory's name
        ({"q": "كريم"}, ["arabic"]),  # Arabic finds the Arabic name
        ({"q": "okaf"}, ["year_only"]),
        ({"q": "nobody"}, []),
        ({"date_of_birth": "2011"}, ["minor"]),
        ({"date_of_birth": "1994-06"}, ["year_only"]),  # born '1994' may be June 1994
        ({"q": "haddad", "date_of_birth": "2011"}, ["minor"]),
    ],
)
def test_search_by_name_in_any_script_and_by_date_of_birth(terms, expected, dutch_cases, ruud):
    numbers = found(signed_in(ruud).post(URL, terms))
    assert sorted(numbers) == sorted(dutch_cases[key] for key in expected)


def test_search_by_case_number(dutch_cases, anna):
    number = dutch_cases["minor"]
    assert found(signed_in(anna).post(URL, {"q": number.lower()})) == [number]


def test_search_keeps_the_filters_of_the_query_string(dutch_cases, anna):
    numbers = found(signed_in(anna).post(f"{URL}?overdue=yes", {"q": "haddad"}))
    assert sorted(numbers) == sorted([dutch_cases["late"], dutch_cases["minor"]])


@pytest.mark.parametrize("sort", [value for value, _ in SORT_CHOICES])
def test_every_sort_on_offer_is_one_the_search_knows(sort, dutch_cases, ruud):
    assert sort in SORTS
    assert len(found(signed_in(ruud).get(URL, {"sort": sort}))) == 6


def test_sorting(dutch_cases, ruud):
    client = signed_in(ruud)
    oldest_first = ["late", "muller", "arabic", "minor", "year_only", "voluntary"]
    assert found(client.get(URL, {"sort": "opened"})) == [dutch_cases[k] for k in oldest_first]
    assert found(client.get(URL, {"sort": "stage"}))[-1] == dutch_cases["voluntary"]


def test_a_date_of_birth_in_another_format_is_refused_next_to_the_field(dutch_cases, anna):
    before = AccessLogEntry.objects.count()
    response = signed_in(anna).post(URL, {"date_of_birth": "17-05-1994"})
    page = response.content.decode()
    assert found(response) == []
    assert re.search(
        r'<div id="id_date_of_birth_error" class="utrecht-form-field-error-message">'
        r"<p [^>]*><span [^>]*>Error: </span>Use YYYY, YYYY-MM or YYYY-MM-DD", page
    )
    assert 'aria-invalid="true"' in page
    assert 'value="17-05-1994"' in page  # the input is kept
    assert "Correct the filters or the search to see cases." in page
    assert AccessLogEntry.objects.count() == before  # nothing was searched


def test_an_unknown_filter_value_is_refused_next_to_the_field(dutch_cases, anna):
    response = signed_in(anna).get(URL, {"stage": "sleeping"})
    assert found(response) == []
    assert "Select a valid choice. sleeping is not one of the available choices." in (
        response.content.decode()
    )


def test_htmx_search_answers_with_the_results_and_updates_count_and_errors(dutch_cases, anna):
    response = signed_in(anna).post(URL, {"q": "okafor"}, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert found(response) == [dutch_cases["year_only"]]
    assert "<html" not in page and "<form" not in page
    assert '<p id="case-count" hx-swap-oob="innerHTML">One case found.' in page
    assert '<div id="id_date_of_birth_error" hx-swap-oob="true"></div>' in page
    refused = signed_in(anna).post(
        URL, {"date_of_birth": "1994-13"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert re.search(
        r'<div id="id_date_of_birth_error" class="utrecht-form-field-error-message" '
        r'hx-swap-oob="true">.*Use YYYY', refused
    )


def test_names_and_dates_of_birth_never_go_in_a_url(dutch_cases, anna):
    page = signed_in(anna).get(URL).content.decode()
    search = re.search(r'<form class="retour-search"[^>]*>', page)
    assert search is not None
    assert 'method="post"' in search.group(0)
    filters = re.search(r'<form class="retour-filters"[^>]*>', page)
    assert filters is not None and 'method="get"' in filters.group(0)
    filter_fields = set(re.findall(r'name="([a-z_]+)"', page[filters.end():search.start()]))
    assert filter_fields == {
        "stage", "origin", "citizenship", "authority", "officer", "overdue", "vulnerability",
        "sort",
    }


def test_every_list_is_logged_with_what_was_searched(dutch_cases, anna):
    signed_in(anna).post(f"{URL}?stage=registered", {"q": "muller", "date_of_birth": "1994"})
    entry = AccessLogEntry.objects.order_by("-sequence").first()
    assert entry is not None
    assert (entry.operation, entry.channel, entry.object_type) == ("search", "web", "return_case")
    assert entry.search_terms == {"q": "muller", "date_of_birth": "1994", "stage": "registered"}
    assert len(entry.object_ids) == 1 and len(entry.person_ids) == 1


@pytest.fixture
def more_than_a_page(anna):
    # Opened a minute apart, so "newest first" is one definite order.
    cases = []
    for minute in range(PAGE_SIZE + 2):
        with clock.frozen_at(NOW - timedelta(minutes=minute)):
            cases.append(case_for(anna).number)
    return cases  # newest first


def test_pages_of_fifty(more_than_a_page, anna):
    client = signed_in(anna)
    first = client.get(URL)
    assert found(first) == more_than_a_page[:PAGE_SIZE]
    assert f"{PAGE_SIZE + 2} cases found; showing 1 to {PAGE_SIZE}." in first.content.decode()
    assert 'href="?page=2"' in first.content.decode()
    assert found(client.get(URL, {"page": 2})) == more_than_a_page[PAGE_SIZE:]
    assert found(client.get(URL, {"page": 99})) == more_than_a_page[PAGE_SIZE:]  # the last


def test_pages_of_a_search_are_asked_for_by_post(more_than_a_page, anna):
    client = signed_in(anna)
    first = client.post(URL, {"q": "haddad"}).content.decode()
    assert 'form="case-search" name="page" value="2"' in first
    assert "?page=" not in first
    second = client.post(URL, {"q": "haddad", "page": "2"})
    assert found(second) == more_than_a_page[PAGE_SIZE:]


def test_queries_do_not_grow_with_the_rows(anna, sanne):
    client = signed_in(anna)

    def queries_for_list() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(URL)
        assert response.status_code == 200
        return len(captured)

    def more_cases(count: int) -> None:
        for index in range(count):
            case = case_for(anna, unaccompanied_minor=index % 2 == 0, arabic_script=True)
            actions.assign_case(sanne, case.pk, officer_username="anna")

    more_cases(3)
    few = queries_for_list()
    more_cases(27)
    assert len(found(client.get(URL))) == 30
    assert queries_for_list() == few


def test_another_member_state_sees_none_of_the_cases(dutch_cases, lucas):
    belgian = case_for(lucas)
    client = signed_in(lucas)
    assert found(client.get(URL)) == [belgian.number]
    assert found(client.post(URL, {"q": "muller"})) == []
    # Dutch authorities are not even on offer as a filter.
    refused = client.get(URL, {"authority": "nl-dtv"})
    assert found(refused) == []
    assert "Select a valid choice." in refused.content.decode()


@pytest.mark.parametrize("persona", ["eva", "tom", "ada"])
def test_roles_without_personal_data_see_no_person(persona, dutch_cases, request):
    user = request.getfixturevalue(persona)
    before = AccessLogEntry.objects.count()
    client = signed_in(user)
    for response in (client.get(URL), client.post(URL, {"q": "muller"})):
        page = response.content.decode()
        assert response.status_code == 200
        assert "Your role gives no access to persons or their cases." in page
        assert "Müller" not in page and dutch_cases["muller"] not in page
    assert AccessLogEntry.objects.count() == before
    assert 'href="/cases/"' not in client.get("/").content.decode()  # no link in the menu


def test_needs_sign_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_list_speaks_dutch(dutch_cases, anna):
    response = signed_in(anna).get(URL, {"overdue": "yes"}, HTTP_ACCEPT_LANGUAGE="nl")
    page = response.content.decode()
    assert "<title>Zaken – Retour</title>" in page
    assert "2 zaken gevonden; 1 tot en met 2 getoond." in page
    assert "Een persoon of zaak zoeken" in page


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"stage": "sleeping"}, "stage"),
        ({"origin": "unknown"}, "origin"),
        ({"vulnerability": "tall"}, "vulnerability"),
        # Health data is read case by case with a reason, never listed (ADR 16).
        ({"vulnerability": "pregnancy"}, "vulnerability"),
        ({"vulnerability": "serious_illness"}, "vulnerability"),
        ({"sort": "name"}, "sort"),
        ({"date_of_birth": "1994-13"}, "date_of_birth"),
        ({"date_of_birth": "17-05-1994"}, "date_of_birth"),
    ],
)
def test_the_domains_filters_refuse_bad_input_naming_the_field(given, field):
    with pytest.raises(InvalidInput) as refused:
        CaseFilters(**given)
    assert list(refused.value.errors) == [field]


def test_the_search_terms_are_the_filters_set():
    filters = CaseFilters(q="müller", overdue=False, stage="registered", sort="number")
    assert filters.search_terms() == {"q": "müller", "overdue": False, "stage": "registered"}
