"""Shared test fixtures: reference data loaded once, and named personas.

Personas: Anna (case officer, NL return service), Pieter (case officer, NL police),
Sanne (supervisor, NL), Lucas (case officer, BE immigration office), Lotte (return
counsellor, BE), Ruud (auditor, NL), Eva (EU coordinator), Tom (statistician, NL),
Ada (administrator, NL), Elena (administrator of an EU body: the EU bodies' users and Union-wide
reference data).
"""

from __future__ import annotations

from typing import Any

import pytest

from retour.accounts.models import Authority, Role, User
from retour.accounts.roles import RoleCode

# Real Chromium for the browser tests of every app (one browser for the whole session).
pytest_plugins = ["retour.testing.browser"]

PERSONAS: dict[str, tuple[str, str, str, tuple[str, ...]]] = {
    "anna": ("Anna", "de Vries", "nl-dtv", (RoleCode.CASE_OFFICER,)),
    "pieter": ("Pieter", "Bakker", "nl-avim", (RoleCode.CASE_OFFICER,)),
    "sanne": ("Sanne", "Jansen", "nl-dtv", (RoleCode.SUPERVISOR,)),
    "lucas": ("Lucas", "Peeters", "be-dvz", (RoleCode.CASE_OFFICER,)),
    "lotte": ("Lotte", "Maes", "be-fedasil", (RoleCode.RETURN_COUNSELLOR,)),
    "ruud": ("Ruud", "Visser", "nl-dtv", (RoleCode.AUDITOR,)),
    "eva": ("Eva", "Lindqvist", "eu-erc", (RoleCode.EU_COORDINATOR,)),
    "tom": ("Tom", "Smit", "nl-dtv", (RoleCode.STATISTICIAN,)),
    "ada": ("Ada", "Mulder", "nl-dtv", (RoleCode.ADMINISTRATOR,)),
    "elena": ("Elena", "Rossi", "eu-erc", (RoleCode.ADMINISTRATOR,)),
}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    """Load the shipped reference data once per test session."""
    with django_db_blocker.unblock():
        _load_reference_data()


def _load_reference_data() -> None:
    from retour.reference.loading import load_every_app

    load_every_app()
    # The roles come from a data migration, which a flush empties too.
    for code in RoleCode:
        Role.objects.get_or_create(code=code)


@pytest.fixture
def frozen_clock() -> Any:
    """The clock stopped at the moment most tests live at (``retour.api.tests.conftest.NOW``);
    a module asks for it with ``pytestmark = pytest.mark.usefixtures("frozen_clock")``."""
    from retour import clock
    from retour.api.tests.conftest import NOW

    with clock.frozen_at(NOW):
        yield


@pytest.fixture(autouse=True)
def _english_to_start_with() -> Any:
    """Each test starts in English: a request in Dutch leaves Dutch active in the thread
    (the locale middleware activates a language and does not put the previous one back)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _reference_data_after_flush(request: Any) -> None:
    """Transactional tests empty every table when they end; reload the reference data the
    next test relies on."""
    if "transactional_db" in request.fixturenames or "live_server" in request.fixturenames:
        from retour.reference.models import Country

        request.getfixturevalue("transactional_db")
        if not Country.objects.exists():
            _load_reference_data()


def make_user(username: str, first: str, last: str, authority: str, roles: tuple[str, ...]) -> User:
    user = User.objects.create_user(
        username=username, first_name=first, last_name=last, password="x-" + username,
        authority=Authority.objects.get(code=authority),
    )
    user.roles.set(Role.objects.filter(code__in=roles))
    return user


def _persona_fixture(name: str) -> Any:
    @pytest.fixture(name=name)
    def persona(db: Any) -> User:
        first, last, authority, roles = PERSONAS[name]
        return make_user(name, first, last, authority, roles)

    persona.__doc__ = f"{PERSONAS[name][0]} {PERSONAS[name][1]}, {', '.join(PERSONAS[name][3])}"
    return persona


for _name in PERSONAS:
    globals()[_name] = _persona_fixture(_name)
