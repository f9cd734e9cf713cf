"""Seeding as a whole: the same seed gives the same caseload; the command's runs, refusals
and summary."""

from __future__ import annotations

from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from retour.cases.models import ReturnCase
from retour.reference.models import LegalParameter
from retour.simulation.seeding import SeedingRefused, seed

TODAY = date(2026, 6, 1)


def _snapshot() -> list[tuple[Any, ...]]:
    cases = ReturnCase.objects.select_related("person").order_by("number")
    return [
        (
            case.number, case.stage, case.outcome, case.opened_at,
            sorted(case.person.names.values_list("kind", "script", "surname", "given_names")),
            (case.person.sex, case.person.birth_year, case.person.birth_month,
             case.person.birth_day),
            list(case.events.order_by("sequence").values_list("type", "occurred_at")),
        )
        for case in cases
    ]


def test_the_same_seed_gives_the_same_caseload_and_another_seed_another(db):
    runs = []
    for seed_value in (21, 21, 22):
        with transaction.atomic():
            seed(cases=30, seed=seed_value, today=TODAY)
            runs.append(_snapshot())
            transaction.set_rollback(True)
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]
    assert len(runs[0]) == 30


def test_seeding_refuses_without_reference_data(db):
    LegalParameter.objects.all().delete()
    with pytest.raises(SeedingRefused, match="retour load_reference"):
        seed(cases=5, seed=1, today=TODAY)
    assert not ReturnCase.objects.exists()


def test_the_command_adds_cases_on_every_run_and_prints_a_summary(db):
    out = StringIO()
    call_command("seed", "--cases", "12", "--seed", "3", "--today", "2026-06-01",
                 "--member-states", "nl,be", stdout=out)
    text = out.getvalue()
    assert text.startswith("seeded 12 cases")
    assert "voluntary_departure" in text and "total" in text
    call_command("seed", "--cases", "12", "--seed", "4", "--today", "2026-06-01",
                 "--member-states", "NL,BE", stdout=StringIO())
    assert ReturnCase.objects.count() == 24
    assert set(ReturnCase.objects.values_list("member_state", flat=True)) <= {"NL", "BE"}


def test_the_command_names_what_is_wrong(db):
    with pytest.raises(CommandError, match="XX"):
        call_command("seed", "--cases", "5", "--member-states", "XX", stdout=StringIO())
    with pytest.raises(CommandError, match="--today"):
        call_command("seed", "--today", "1 June", stdout=StringIO())
    assert not ReturnCase.objects.exists()


def test_if_empty_seeds_only_a_database_without_cases(db):
    call_command("seed", "--cases", "4", "--today", "2026-06-01", "--if-empty", stdout=StringIO())
    assert ReturnCase.objects.count() == 4
    out = StringIO()
    call_command("seed", "--cases", "4", "--today", "2026-06-01", "--if-empty", stdout=out)
    assert ReturnCase.objects.count() == 4
    assert "nothing seeded" in out.getvalue()
