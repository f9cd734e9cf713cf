"""The event feed: one file per message, without the fields the event types mark as personal
data, the same file when a message is delivered twice."""

from __future__ import annotations

import json

import pytest

from retour import clock
from retour.detention.actions import order_detention
from retour.outbox.models import Message
from retour.outbox.subscribers import Subscriber, subscribe, unsubscribe
from retour.outbox.worker import Worker
from retour.seam.feed import FolderFeed, without_personal_data
from retour.testing.factories import case_in_forced_return

pytestmark = pytest.mark.usefixtures("frozen_clock")


def test_personal_data_is_left_out_by_the_schema():
    payload = {"detention": {"id": 1, "ordered_on": "2026-03-01", "ordered_by": "nl-dji",
                             "ground": "risk_of_absconding", "facility": "Rotterdam"}}
    kept = without_personal_data("order_detention", payload)
    assert "facility" not in kept["detention"] and kept["detention"]["ground"]
    assert payload["detention"]["facility"] == "Rotterdam"  # the message itself is untouched


@pytest.fixture
def feed(tmp_path):
    subscribe(Subscriber("event-feed", FolderFeed(tmp_path), frozenset({"order_detention"})))
    yield tmp_path
    unsubscribe("event-feed")


def test_an_event_arrives_as_one_file_once(anna, feed, db):
    case = case_in_forced_return(anna, decided_on=clock.today())
    order_detention(anna, case.pk, ordered_on=clock.today(),
                    ground="risk_of_absconding", facility="Detentiecentrum Rotterdam")
    message = Message.objects.get(subscriber="event-feed")
    Worker(["event-feed"]).run_once()
    written = json.loads((feed / f"{message.key}.json").read_text(encoding="utf-8"))
    assert (written["type"], written["stream"]) == ("order_detention", f"case:{case.pk}")
    assert "facility" not in written["payload"]["detention"]
    FolderFeed(feed)(message)  # delivered again: the same file, nothing added
    assert [p.name for p in feed.iterdir()] == [f"{message.key}.json"]
