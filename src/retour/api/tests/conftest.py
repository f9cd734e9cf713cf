"""API test helpers: a frozen clock, clients that carry a persona's API token."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client

from retour.accounts.models import ApiToken, User

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def _every_api_test_at_now(frozen_clock: None) -> None:
    """Every API test runs with the clock at ``NOW`` (the root conftest's ``frozen_clock``)."""


def bearer(user: User) -> dict[str, str]:
    _, raw = ApiToken.issue(user, "tests")
    return {"Authorization": f"Bearer {raw}"}


@pytest.fixture
def api_client() -> Callable[[User], Client]:
    """``api_client(anna)``: a client whose every request carries a token of Anna's."""

    def make(user: User) -> Client:
        return Client(headers=bearer(user))

    return make


def body_of(response: Any) -> Any:
    assert response["Content-Type"].startswith("application/json"), response.content
    return response.json()
