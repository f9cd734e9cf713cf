"""The zone as the product reads it: state codes named, the same answer from CLI and API."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation

from retour.api.tests.conftest import bearer
from retour.identification.reading import describe_code, read_mrz
from retour.identification.tests.test_mrz import ICAO_TD3

API = "/api/v1/documents/mrz"


def test_codes_of_countries_and_the_special_codes_of_icao(db):
    assert describe_code("NLD") == {"code": "NLD", "known": True, "country": "NL",
                                    "name": "Netherlands", "special": False}
    germany = describe_code("D<<")
    assert (germany["code"], germany["country"], germany["special"]) == ("D", "DE", True)
    stateless = describe_code("XXA")
    assert stateless["known"] and stateless["country"] is None
    assert "stateless" in stateless["name"]
    assert describe_code("UNK")["country"] == "XK"
    assert describe_code("UTO") == {"code": "UTO", "known": False, "country": None,
                                    "name": None, "special": False}


def test_an_unknown_code_is_a_warning_not_an_error(db):
    result = read_mrz(ICAO_TD3)  # Utopia is ICAO's imaginary state
    assert result["valid"] is True
    assert result["issuing_state"]["known"] is False
    assert any("'UTO' (issuing state)" in w for w in result["warnings"])


def _mrz(*lines: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("mrz", *lines, stdout=out, stderr=err)
        status = 0
    except SystemExit as exit_:
        status = int(exit_.code or 0)
    return status, out.getvalue(), err.getvalue()


def test_the_command_prints_json_and_exits_0_when_every_check_digit_is_valid(db):
    status, out, _ = _mrz(*ICAO_TD3)
    assert status == 0
    assert json.loads(out) == read_mrz(ICAO_TD3)


def test_the_command_exits_1_when_a_check_digit_is_wrong(db):
    status, out, _ = _mrz(ICAO_TD3[0], ICAO_TD3[1][:9] + "7" + ICAO_TD3[1][10:])
    assert status == 1
    assert json.loads(out)["check_digits"]["document_number"] == {
        "found": "7", "computed": "6", "valid": False, "over": "document number"}


def test_the_command_exits_2_with_the_line_and_position_when_it_is_not_an_mrz(db):
    status, out, err = _mrz(ICAO_TD3[0], ICAO_TD3[1][:15] + "O" + ICAO_TD3[1][16:])
    assert (status, out) == (2, "")
    assert "line 2, position 16: expected the date of birth YYMMDD, found 'O'" in err


def test_the_command_exits_3_and_says_what_to_run_without_reference_data(db, monkeypatch):
    from django.db import OperationalError

    from retour.identification.management.commands import mrz

    def no_table(lines: list[str]) -> dict[str, object]:
        raise OperationalError("no such table: reference_country")

    monkeypatch.setattr(mrz, "read_mrz", no_table)
    status, out, err = _mrz(*ICAO_TD3)
    assert (status, out) == (3, "")
    assert "retour load_reference" in err


def test_the_api_answers_what_the_command_prints(client, anna):
    response = client.post(API, {"lines": ICAO_TD3}, content_type="application/json",
                           headers=bearer(anna))
    assert response.status_code == 200
    assert response.json() == read_mrz(ICAO_TD3)


def test_the_api_names_the_line_that_is_not_an_mrz(client, anna):
    response = client.post(API, {"lines": [ICAO_TD3[0], ICAO_TD3[1][:40]]},
                           content_type="application/json", headers=bearer(anna))
    assert response.status_code == 422
    assert response.json() == {"detail": [
        {"field": "lines[1]", "message": "line 2: expected 44 characters, found 40"}]}
    response = client.post(API, {"lines": []}, content_type="application/json",
                           headers=bearer(anna))
    assert response.status_code == 422 and response.json()["detail"][0]["field"] == "lines"


@pytest.mark.parametrize("persona", ["eva", "tom", "ada"])
def test_roles_that_see_no_person_may_not_read_a_zone(db, client, persona, request):
    user = request.getfixturevalue(persona)
    response = client.post(API, {"lines": ICAO_TD3}, content_type="application/json",
                           headers=bearer(user))
    assert response.status_code == 403


def test_the_command_answers_in_english_whatever_language_is_active(db):
    malformed = (ICAO_TD3[0], ICAO_TD3[1][:15] + "O" + ICAO_TD3[1][16:])
    english = _mrz(*malformed)
    with translation.override("nl"):
        assert _mrz(*malformed) == english
        status, out, _ = _mrz(ICAO_TD3[0], ICAO_TD3[1][:9] + "7" + ICAO_TD3[1][10:])
    assert status == 1
    result = json.loads(out)
    assert result["check_digits"]["document_number"]["over"] == "document number"
    assert "'UTO' (issuing state) is neither a country code nor a special code of ICAO" in (
        result["warnings"])


def test_the_api_explains_in_dutch_when_asked_and_keeps_names_and_codes(client, anna):
    dutch = {**bearer(anna), "Accept-Language": "nl"}
    response = client.post(API, {"lines": [ICAO_TD3[0], ICAO_TD3[1][:40]]},
                           content_type="application/json", headers=dutch)
    assert response.status_code == 422
    assert response.json() == {"detail": [
        {"field": "lines[1]", "message": "regel 2: verwacht 44 tekens, gevonden 40"}]}
    read = client.post(API, {"lines": [ICAO_TD3[0].lower(), ICAO_TD3[1]]},
                       content_type="application/json", headers=dutch).json()
    english = read_mrz(ICAO_TD3)
    assert read.keys() == english.keys()
    assert (read["format"], read["document_kind"], read["sex"]) == ("TD3", "passport", "female")
    assert read["check_digits"]["composite"]["over"] == "samengesteld"
    assert read["warnings"] == [
        "kleine letters zijn als hoofdletters gelezen",
        "'UTO' (staat van afgifte) is geen landcode en geen bijzondere code van de ICAO",
        "'UTO' (nationaliteit) is geen landcode en geen bijzondere code van de ICAO",
    ]
