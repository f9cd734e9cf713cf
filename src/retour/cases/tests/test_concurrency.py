"""Two officers acting on the same case at the same moment: one wins, the other is told."""

from __future__ import annotations

import threading
from datetime import date

from django.db import connection

from retour.audit.log import verify_chain
from retour.cases import actions
from retour.errors import StaleVersion
from retour.testing.factories import case_for


def test_simultaneous_edits_of_one_version_let_exactly_one_through(transactional_db, anna, sanne):
    case = case_for(anna)
    version = case.version
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def act(user, decided_on):
        try:
            barrier.wait()
            actions.record_end_of_legal_stay(
                user, case.pk, decided_on=decided_on, expected_version=version
            )
            outcomes.append("changed")
        except StaleVersion as exc:
            outcomes.append(f"stale: {exc}")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=act, args=(anna, date(2026, 1, 5))),
        threading.Thread(target=act, args=(sanne, date(2026, 1, 6))),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(o.split(":")[0] for o in outcomes) == ["changed", "stale"]
    stale = next(o for o in outcomes if o.startswith("stale"))
    assert "reload the case" in stale
    case.refresh_from_db()
    assert case.version == version + 1
    assert list(case.events.values_list("sequence", flat=True)) == [1, 2]
    assert verify_chain() is None
