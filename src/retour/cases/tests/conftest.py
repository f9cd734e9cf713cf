from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from retour.cases.tests.support import TODAY, on


@pytest.fixture
def today() -> Iterator[date]:
    """Freeze the clock at a known day (a Monday)."""
    with on(TODAY):
        yield TODAY
