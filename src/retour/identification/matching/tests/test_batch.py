"""Batch identity matching: the Splink model on Retour's keys, the member state's persons read
from the database, the ``match-batch`` command and its access-log entry."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import CommandError, call_command

from retour.audit.models import AccessLogEntry
from retour.identification.actions import NewDocument, record_identity_document
from retour.identification.matching.batch import IncomingRecord, match_batch
from retour.identification.matching.batch_known import PURPOSE, match_against_member_state
from retour.identification.matching.compare import Record
from retour.people.actions import NameInput
from retour.testing.factories import person_for

pytestmark = pytest.mark.usefixtures("frozen_clock")


def known(person_id, names, year, month, day, sex, nationality, documents=()):
    return Record(
        names=(),
        person_id=person_id,
        written_names=names,
        birth_year=year,
        birth_month=month,
        birth_day=day,
        sex=sex,
        nationalities=frozenset({nationality}),
        document_numbers=frozenset(documents),
    )


KNOWN = [
    known("karim", (("Karim", "Haddad"), ("كريم", "حداد")), 1994, 5, 17, "M", "MA"),
    known("olena", (("Olena", "Kovalova"),), 1985, 3, 2, "F", "UA"),
    known("yusuf", (("Yusuf", "Haddad"),), 1994, 11, 3, "M", "SY"),
    known("amina", (("Amina", "Rahimi"),), 2001, None, None, "F", "AF", {"P1234567"}),
]


def by_reference(records: list[IncomingRecord]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {r.reference: [] for r in records}
    for candidate in match_batch(records, KNOWN, threshold=0.9):
        found[candidate.reference].append(candidate.person_id)
    return found


def test_finds_a_person_across_scripts_spellings_and_swapped_day_and_month():
    records = [
        # Arabic script for a person registered in Latin, day and month swapped.
        IncomingRecord("a", "كريم", "حداد", 1994, 17, 5, "M", "MA"),
        # Latin for the Cyrillic spelling's person, one letter different.
        IncomingRecord("b", "Олена", "Ковальова", 1985, 3, 2, "F", "UA"),
        IncomingRecord("c", "Youssef", "Hadad", 1994, 11, 3, "M", "SY"),
        # Year of birth only and the document number as written on another form.
        IncomingRecord("d", "Amina", "Rahimi", 2001, sex="F", document_number="p 123 4567"),
    ]
    assert by_reference(records) == {"a": ["karim"], "b": ["olena"], "c": ["yusuf"], "d": ["amina"]}


def test_gives_the_reasons_per_field():
    [candidate] = match_batch(
        [IncomingRecord("a", "كريم", "حداد", 1994, 17, 5, "M", "MA")], KNOWN, threshold=0.9
    )
    assert candidate.match_probability > 0.99
    assert candidate.reasons["birth_date"] == "same date with day and month swapped"
    assert candidate.reasons["surname"] == "same spelling"
    assert candidate.reasons["document"] == "not known on one side"


def test_different_persons_are_not_matched():
    records = [
        # Same surname and year of birth as two known persons, another given name and date.
        IncomingRecord("e", "Omar", "Haddad", 1994, 2, 9, "M", "MA"),
        # Same name as a known person, born 20 years later, another nationality and sex.
        IncomingRecord("f", "Olena", "Kovalova", 2005, 8, 30, "M", "GE"),
        IncomingRecord("g", "Jan", "de Vries", 1970, 1, 1, "M", "NL"),
    ]
    assert by_reference(records) == {"e": [], "f": [], "g": []}


def test_compares_pairs_that_agree_on_little_but_one_field():
    records = [
        # Another surname, no date of birth; the document number with two digits swapped.
        IncomingRecord(
            "h", "Amina", "Karimi", sex="F", nationality="AF", document_number="P1243567"
        ),
        # Surname mistyped into another spelling family, only the year of birth.
        IncomingRecord("i", "Olena", "Kowalova", 1985, sex="F", nationality="UA"),
    ]
    assert by_reference(records) == {"h": ["amina"], "i": ["olena"]}
    [near] = match_batch(records[:1], KNOWN)
    assert near.reasons["document"] == "document numbers one character apart"
    # Given names and surname swapped, only the year of birth: compared (weak evidence).
    swapped = IncomingRecord("l", "Kovalova", "Olena", 1985, sex="F", nationality="UA")
    [candidate] = match_batch([swapped], KNOWN, threshold=0.5)
    assert (candidate.person_id, candidate.reasons["surname"]) == (
        "olena",
        "written as the given names",
    )


def test_given_names_and_surname_written_in_each_others_place_one_mistyped():
    [candidate] = match_batch([IncomingRecord("j", "Kovalowa", "Olena", 1985, 3, 2)], KNOWN)
    assert candidate.person_id == "olena"
    assert candidate.reasons["given_names"] == "written as the surname"
    assert candidate.reasons["surname"] == "written as the given names"


def test_a_name_written_together_or_apart_is_the_same_spelling():
    daan = known("daan", (("Daan", "van der Berg"),), 1990, 6, 1, "M", "NL")
    [candidate] = match_batch([IncomingRecord("k", "Daan", "Vanderberg", 1990, 6, 1)], [daan])
    assert candidate.reasons["surname"] == "same spelling"


def test_nothing_to_match():
    assert match_batch([], KNOWN) == []
    assert match_batch([IncomingRecord("a", "Karim", "Haddad")], []) == []


def test_matches_against_the_persons_of_one_member_state_and_logs_the_access(anna, lucas):
    karim = person_for(anna, arabic_script=True)
    record_identity_document(
        anna,
        karim.pk,
        NewDocument(kind="passport", form="original", number="MA1234567", issuing_country="MA"),
    )
    person_for(lucas)  # the same person data in Belgium: not Dutch data
    person_for(
        anna,
        names=[NameInput(surname="Kovalova", given_names="Olena")],
        sex="F",
        birth_year=1985,
        claimed_nationalities=["UA"],
    )
    records = [
        IncomingRecord("r1", "Kareem", "Hadad", 1994, 5, 17, "M", "MA"),
        IncomingRecord("r2", "", "حداد", None, document_number="MA 1234567"),
        IncomingRecord("r3", "Piet", "Jansen", 1960, 4, 4, "M", "NL"),
    ]
    candidates = match_against_member_state(records, "NL", threshold=0.9, source="test.csv")
    assert [(c.reference, c.person_id) for c in candidates] == [
        ("r1", str(karim.pk)),
        ("r2", str(karim.pk)),
    ]
    assert candidates[1].reasons["document"] == "same document number"
    entry = AccessLogEntry.objects.get(reason=PURPOSE)
    assert (entry.operation, entry.object_type, entry.channel) == ("search", "person", "cli")
    assert entry.person_ids == [str(karim.pk)]
    assert entry.search_terms == {
        "member_state": "NL",
        "records": 3,
        "threshold": 0.9,
        "source": "test.csv",
    }


def write(tmp_path, text):
    path = tmp_path / "incoming.csv"
    path.write_text(text, encoding="utf-8")
    return path


HEADER = "reference,given_names,family_names,date_of_birth,sex,nationality,document_number\n"


def test_command_writes_the_candidates_as_csv(anna, tmp_path):
    karim = person_for(anna, arabic_script=True)
    path = write(tmp_path, HEADER + "x1,كريم,حداد,1994-05-17,M,MA,\nx2,Lena,Smit,1990,F,,\n")
    out = tmp_path / "out.csv"
    call_command(
        "match-batch", str(path), "--user", "anna", "--output", str(out), stderr=io.StringIO()
    )
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [(r["reference"], r["person_id"], r["given_names"]) for r in rows] == [
        ("x1", str(karim.pk), "same spelling")
    ]
    assert float(rows[0]["match_probability"]) >= 0.9
    entry = AccessLogEntry.objects.get(reason=PURPOSE, person_ids=[str(karim.pk)])
    assert (entry.username, entry.search_terms["member_state"]) == ("anna", "NL")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            HEADER + "x1,Karim,Haddad,1994-05-17,M,MA,\nx2,Omar,Ali,1990-02-30,M,SY,\n",
            "incoming.csv, line 3, column date_of_birth: no such date",
        ),
        (
            HEADER + "x1,Karim,Haddad,17-05-1994,M,MA,\n",
            "incoming.csv, line 2, column date_of_birth: use YYYY, YYYY-MM or YYYY-MM-DD",
        ),
        (HEADER + "x1,Karim,Haddad,,male,MA,\n", "line 2, column sex: must be F, M or X"),
        (HEADER + "x1,Karim,Haddad,,M,Syria,\n", "line 2, column nationality:"),
        (HEADER + ",Karim,Haddad,,M,,\n", "line 2, column reference: must not be empty"),
        ("reference,name\nx1,Karim\n", "incoming.csv, line 1: missing column family_names"),
    ],
)
def test_command_names_the_line_and_column_of_bad_input(anna, tmp_path, content, message):
    path = write(tmp_path, content)
    with pytest.raises(CommandError, match=message):
        call_command("match-batch", str(path), "--user", "anna")
    assert not AccessLogEntry.objects.filter(reason=PURPOSE).exists()


def test_command_acts_only_as_an_officer_who_may_identify(eva, ruud, tmp_path):
    path = str(write(tmp_path, HEADER))
    with pytest.raises(CommandError, match="--user: no active user named 'nobody'"):
        call_command("match-batch", path, "--user", "nobody")
    for user in (eva, ruud):  # the EU coordinator sees no person; the auditor identifies no one
        with pytest.raises(CommandError, match=f"--user: {user.username} may not search"):
            call_command("match-batch", path, "--user", user.username)
    assert not AccessLogEntry.objects.filter(reason=PURPOSE).exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (HEADER + "x1,Karim,Had\x00dad,,M,MA,\n", "line 2, column family_names: contains a NUL"),
        (HEADER + "x1,Karim,Haddad,,M,MA,,=1+1\n", "line 2: more fields than the header"),
        (HEADER + "x1,Karim,Haddad,,M,MA,\nx1,Omar,Ali,,M,SY,\n",
         "line 3, column reference: x1 is already on line 2"),
        (HEADER + "x1,Karim,Haddad,,M,MA," + "9" * 201 + "\n",
         "line 2, column document_number: is too long: at most 200"),
        (HEADER + "x1,Karim,\"" + "H" * 1_000_000 + "\",,M,MA,\n", "line 2: field larger"),
        (HEADER + "x1,Ahmed\u202egnp.exe,Haddad,,M,MA,\n",
         "line 2, column given_names: contains an invisible character"),
        (HEADER + "x1,Karim,Haddad,2026-02-30,M,MA,\n", "line 2, column date_of_birth: no such"),
        (HEADER + "x1,Karim,Haddad,1850,M,MA,\n",
         "line 2, column date_of_birth: the year must be between 1900"),
    ],
)
def test_command_refuses_hostile_lines_naming_them_and_writes_nothing(
    anna, tmp_path, content, message
):
    """Each of these was taken silently (or gave a traceback) before issue 13."""
    person_for(anna, arabic_script=True)
    path, out = write(tmp_path, content), tmp_path / "out.csv"
    with pytest.raises(CommandError, match=message) as refused:
        call_command("match-batch", str(path), "--user", "anna", "--output", str(out))
    assert refused.value.returncode != 0
    assert not out.exists()
    assert not AccessLogEntry.objects.filter(reason=PURPOSE).exists()


def test_command_output_runs_no_formula_in_a_spreadsheet(anna, tmp_path):
    person_for(anna, arabic_script=True)
    hostile = '"=HYPERLINK(""http://evil.example"",""x"")"'
    path = write(tmp_path, HEADER + f"{hostile},كريم,حداد,1994-05-17,M,MA,\n")
    out = tmp_path / "out.csv"
    call_command(
        "match-batch", str(path), "--user", "anna", "--output", str(out), stderr=io.StringIO()
    )
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["reference"] for r in rows] == ['\'=HYPERLINK("http://evil.example","x")']
    assert all(not r["match_weight"].startswith("'") for r in rows)
