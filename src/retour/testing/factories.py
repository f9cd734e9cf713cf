"""factory_boy factories for test data, with traits; persons are registered through the
same action functions the product uses."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

import factory

from retour.cases import actions
from retour.cases.models import ReturnCase
from retour.people.actions import NameInput, NewPerson, register_person
from retour.people.models import Person


class NewPersonFactory(factory.Factory):
    class Meta:
        model = NewPerson

    names = factory.LazyFunction(lambda: [NameInput(surname="Haddad", given_names="Karim")])
    sex = "M"
    birth_year = 1994
    birth_month = 5
    birth_day = 17
    claimed_nationalities = factory.LazyFunction(lambda: ["MA"])
    languages = factory.LazyFunction(lambda: ["ar"])

    class Params:
        arabic_script = factory.Trait(
            names=factory.LazyFunction(
                lambda: [
                    NameInput(surname="Haddad", given_names="Karim"),
                    NameInput(surname="حداد", given_names="كريم", script="Arab"),
                ]
            )
        )
        unaccompanied_minor = factory.Trait(
            birth_year=2011, birth_month=None, birth_day=None, birth_date_estimated=True,
            vulnerabilities=factory.LazyFunction(lambda: ["unaccompanied_minor"]),
        )
        year_only_birth = factory.Trait(birth_month=None, birth_day=None)


def person_for(user: Any, **traits: Any) -> Person:
    return register_person(user, cast(NewPerson, NewPersonFactory(**traits)))


def case_for(user: Any, *, origin: str = "negative_asylum_decision", **traits: Any) -> ReturnCase:
    return actions.open_case(user, person_for(user, **traits).pk, origin=origin)


def case_in_voluntary_departure(
    user: Any, *, decided_on: date, days: int = 30, **traits: Any
) -> ReturnCase:
    case = case_for(user, **traits)
    actions.record_end_of_legal_stay(user, case.pk, decided_on=decided_on)
    return actions.issue_return_decision(
        user, case.pk, decided_on=decided_on, voluntary_departure_days=days
    )


def case_in_forced_return(user: Any, *, decided_on: date, **traits: Any) -> ReturnCase:
    case = case_for(user, **traits)
    actions.record_end_of_legal_stay(user, case.pk, decided_on=decided_on)
    return actions.issue_return_decision(
        user, case.pk, decided_on=decided_on, voluntary_departure_days=0,
        shortened_departure_reason="risk_of_absconding",
    )
