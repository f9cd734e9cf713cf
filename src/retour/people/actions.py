"""Business actions on persons: the only code that writes persons."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext_lazy

from retour import bulk, clock
from retour.accounts.roles import Capability
from retour.accounts.scoping import personal_data_member_state
from retour.errors import InvalidInput, NotVisible, PermissionRefused, one_of
from retour.people.models import (
    FamilyLink,
    Nationality,
    Person,
    PersonName,
    Sex,
    Vulnerability,
    acting_refusal,
)
from retour.people.names import guess_script, search_key
from retour.reference.models import Country
from retour.seam import pipeline
from retour.seam.actions import declare, implements
from retour.seam.pipeline import Done, Step

LANGUAGE_TAG = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")
_SCRIPT_CODE = re.compile(r"[A-Z][a-z]{3}")
# Checked here so that SQLite, which does not enforce column lengths, refuses what
# PostgreSQL would.
_NAME_LENGTH = cast(int, PersonName._meta.get_field("surname").max_length)
_PLACE_LENGTH = cast(int, Person._meta.get_field("place_of_birth").max_length)
_SEARCH_KEY_LENGTH = PersonName._meta.get_field("search_key").max_length


@dataclass
class NameInput:
    surname: str
    given_names: str = ""
    kind: str = PersonName.Kind.PRIMARY
    script: str = ""


@dataclass
class NewPerson:
    names: list[NameInput]
    sex: str
    birth_year: int | None = None
    birth_month: int | None = None
    birth_day: int | None = None
    birth_date_estimated: bool = False
    place_of_birth: str = ""
    country_of_birth: str | None = None
    claimed_nationalities: list[str] = field(default_factory=list)
    confirmed_nationalities: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    vulnerabilities: list[str] = field(default_factory=list)


# What a refusal says the role may not do, for every action on persons.
REGISTER_AND_EDIT = gettext_noop("register and edit persons")


def _may_register(user: Any) -> str:
    """The user's member state if they may register and edit persons there; refuse otherwise."""
    member_state = user.member_state_code if user is not None else None
    if user is None or not user.can(Capability.REGISTER_PERSON) or member_state is None:
        raise PermissionRefused(
            _("your role does not allow: %(action)s") % {"action": _(REGISTER_AND_EDIT)}
        )
    return str(member_state)


# The subjects of this app's actions (``retour.seam.pipeline``) and the actions' rows.
pipeline.subject(
    "person", Person, label=pgettext_lazy("access log", "person"),
    member_state=lambda person: person.member_state_id, object_type="person",
    persons=lambda person: [person.pk], not_found="person not found",
    load=lambda user, person_id: visible_person(user, person_id, for_update=True),
    acts=acting_refusal,
)
pipeline.subject(
    "family_link", FamilyLink, label=pgettext_lazy("access log", "family link"),
    member_state=lambda link: link.person.member_state_id, object_type="family_link",
    persons=lambda link: [link.person_id, link.relative_id],
)
declare("person", (
    Step("register_person", gettext_noop("Register person"), Capability.REGISTER_PERSON,
         refused=REGISTER_AND_EDIT, audit="register person"),
    Step("link_family_members", gettext_noop("Link family members"),
         Capability.REGISTER_PERSON, makes="family_link", refused=REGISTER_AND_EDIT,
         audit="link family members"),
))


def _validate_birth_date(data: NewPerson, errors: dict[str, str], today: date) -> None:
    # Only None leaves a part of the date out: 0 is a wrong value, not an unknown one.
    year, month, day = data.birth_year, data.birth_month, data.birth_day
    if year is None:
        if month is not None or day is not None:
            errors["birth_year"] = _("a month or day of birth needs the year")
        return
    if not 1900 <= year <= today.year:
        errors["birth_year"] = _("must be between 1900 and %(year)s") % {"year": today.year}
        return
    if day is not None and month is None:
        errors["birth_month"] = _("a day of birth needs the month")
        return
    if month is None:
        return
    if not 1 <= month <= 12:
        errors["birth_month"] = _("must be between 1 and 12")
        return
    if day is None:
        if (year, month) > (today.year, today.month):
            errors["birth_month"] = _("the month of birth is in the future")
        return
    try:
        born = date(year, month, day)
    except ValueError:
        errors["birth_day"] = _("%(month)s has no day %(day)s") % {
            "month": f"{year:04d}-{month:02d}", "day": day,
        }
        return
    if born > today:
        errors["birth_day"] = _("the date of birth is in the future")


def _at_most(length: int) -> str:
    return _("at most %(length)s characters") % {"length": length}


def _countries(codes: list[str], field_name: str, errors: dict[str, str]) -> list[Country]:
    wanted = {c.upper() for c in codes}
    found = Country.objects.by_code(wanted)
    unknown = sorted(wanted - set(found))
    if unknown:
        errors[field_name] = _("unknown country code(s): %(codes)s") % {
            "codes": ", ".join(unknown)
        }
    return list(found.values())


def _validate_new_person(data: NewPerson) -> dict[str, list[Country]]:
    errors: dict[str, str] = {}
    if not any(n.kind == PersonName.Kind.PRIMARY and n.surname.strip() for n in data.names):
        errors["names"] = _("at least one primary name with a surname is required")
    for index, name in enumerate(data.names):
        if name.kind not in PersonName.Kind.values:
            errors[f"names[{index}].kind"] = one_of(PersonName.Kind.values)
        if not (name.surname.strip() or name.given_names.strip()):
            errors[f"names[{index}]"] = _("a name needs a surname or given names")
        if name.script and not _SCRIPT_CODE.fullmatch(name.script):
            errors[f"names[{index}].script"] = _(
                "'%(script)s' is not an ISO 15924 code such as 'Latn' or 'Arab'"
            ) % {"script": name.script}
        for part in ("surname", "given_names"):
            if len(getattr(name, part).strip()) > _NAME_LENGTH:
                errors[f"names[{index}].{part}"] = _at_most(_NAME_LENGTH)
    if len(data.place_of_birth.strip()) > _PLACE_LENGTH:
        errors["place_of_birth"] = _at_most(_PLACE_LENGTH)
    if data.sex not in Sex.values:
        errors["sex"] = one_of(Sex.values)
    _validate_birth_date(data, errors, clock.today())
    for tag in data.languages:
        if not LANGUAGE_TAG.fullmatch(tag):
            errors["languages"] = _(
                "'%(tag)s' is not a language tag such as 'ar' or 'fa-AF'"
            ) % {"tag": tag}
    for kind in data.vulnerabilities:
        if kind not in Vulnerability.Kind.values:
            errors["vulnerabilities"] = _("unknown vulnerability '%(kind)s'") % {"kind": kind}
    countries = {
        "claimed": _countries(data.claimed_nationalities, "claimed_nationalities", errors),
        "confirmed": _countries(data.confirmed_nationalities, "confirmed_nationalities", errors),
        "birth": _countries(
            [data.country_of_birth] if data.country_of_birth else [], "country_of_birth", errors
        ),
    }
    overlap = {c.code for c in countries["claimed"]} & {c.code for c in countries["confirmed"]}
    if overlap:
        errors["claimed_nationalities"] = _(
            "%(codes)s also listed as confirmed: list it once"
        ) % {"codes": ", ".join(sorted(overlap))}
    if errors:
        raise InvalidInput(errors)
    return countries


def _registered(person: Person, countries: dict[str, list[Country]]) -> dict[str, Any]:
    """The ``person_registered`` event's payload: what was recorded, without the names."""
    return {
        "member_state": person.member_state_id,
        "sex": person.sex,
        "birth_year": person.birth_year,
        "birth_month": person.birth_month,
        "birth_day": person.birth_day,
        "birth_date_estimated": person.birth_date_estimated,
        "country_of_birth": person.country_of_birth_id,
        "claimed_nationalities": [c.code for c in countries["claimed"]],
        "confirmed_nationalities": [c.code for c in countries["confirmed"]],
        "languages": person.languages,
    }


@implements(events=("person_registered",))
def register_person(user: Any, data: NewPerson, *, reason: str = "", channel: str = "") -> Person:
    """Register a third-country national in the user's member state."""

    def change(_nothing: None) -> Done:
        member_state = _may_register(user)
        countries = _validate_new_person(data)
        now = clock.now()
        person = bulk.create(Person(
            member_state_id=member_state,
            registered_by=user.authority,
            sex=data.sex,
            birth_year=data.birth_year,
            birth_month=data.birth_month,
            birth_day=data.birth_day,
            birth_date_estimated=data.birth_date_estimated,
            place_of_birth=data.place_of_birth.strip(),
            country_of_birth=countries["birth"][0] if countries["birth"] else None,
            languages=list(dict.fromkeys(data.languages)),
            created_at=now,
        ))
        bulk.add_all(person, "names", (
            PersonName(
                person=person,
                kind=n.kind,
                script=n.script or guess_script(n.surname + n.given_names),
                surname=n.surname.strip(),
                given_names=n.given_names.strip(),
                # A transliteration can be far longer than the name (one CJK character
                # becomes a syllable); the key only serves search, so what the column cannot
                # hold is cut.
                search_key=search_key(n.given_names, n.surname)[:_SEARCH_KEY_LENGTH],
            )
            for n in data.names
        ))
        bulk.add_all(person, "nationalities",
            [Nationality(person=person, country=c, status="claimed")
             for c in countries["claimed"]]
            + [
                Nationality(person=person, country=c, status="confirmed")
                for c in countries["confirmed"]
            ]
        )
        kinds = list(dict.fromkeys(data.vulnerabilities))
        bulk.add_all(person, "vulnerabilities", (
            Vulnerability(person=person, kind=k, noted_on=clock.today()) for k in kinds
        ))
        bulk.remembered(("people.person", str(person.pk)), lambda: person)
        return Done(person, {**_registered(person, countries), "vulnerabilities": kinds})

    registered: Person = pipeline.take(user, "register_person", None, change, reason=reason,
                                       channel=channel)
    return registered


def visible_person(user: Any, person_id: Any, *, for_update: bool = False) -> Person:
    """The person if ``user`` may see it; the same error whether it is elsewhere or nowhere.

    In a bulk session (the seeder) a person is read once and kept; its cases are kept in
    memory too, out of sight of the reaches' queries, so there the person's member state is
    checked, and each case the action then touches by its own acting rule."""
    if bulk.current() is not None:
        person = bulk.remembered(("people.person", str(person_id)),
                                 lambda: _read_person(None, person_id, for_update=True))
        if user is not None and personal_data_member_state(user) != person.member_state_id:
            raise NotVisible("person not found")
        return person
    return _read_person(user, person_id, for_update=for_update)


def _read_person(user: Any, person_id: Any, *, for_update: bool) -> Person:
    persons = Person.objects.all() if user is None else Person.objects.visible_to(user)
    if for_update:
        persons = persons.select_for_update()
    try:
        return persons.get(pk=person_id)
    except (Person.DoesNotExist, ValidationError, ValueError, TypeError):
        raise NotVisible("person not found") from None


@implements(events=("family_members_linked",))
def link_family_members(
    user: Any, person_id: Any, relative_id: Any, relation: str, *, channel: str = ""
) -> FamilyLink:
    """Record a family tie; both persons must be of the user's member state."""

    def change(person: Person) -> Done:
        if relation not in FamilyLink.Relation.values:
            raise InvalidInput.field("relation", one_of(FamilyLink.Relation.values))
        try:
            relative = visible_person(user, relative_id)
        except NotVisible:
            raise InvalidInput.field("relative_id", _("no such person")) from None
        if person.pk == relative.pk:
            raise InvalidInput.field("relative_id", _("a person cannot be their own relative"))
        if bulk.select(person, "family_links", relative=relative):
            raise InvalidInput.field("relative_id", _("these persons are already linked"))
        link = bulk.add(person, "family_links",
                        FamilyLink(person=person, relative=relative, relation=relation))
        return Done(link, {"link": link.pk, "person": str(person.pk),
                           "relative": str(relative.pk), "relation": relation})

    link: FamilyLink = pipeline.take(user, "link_family_members", person_id, change,
                                     channel=channel)
    return link
