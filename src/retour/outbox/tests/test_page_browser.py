"""The outbox page in real Chromium: Ada, the administrator, reads the queues on a phone-sized
screen (390 px wide) and replays a dead letter. Every page passes axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from retour.outbox.models import Message
from retour.outbox.publish import publish
from retour.outbox.subscribers import Subscriber, subscribe
from retour.outbox.tests.conftest import event
from retour.testing.browser import assert_accessible, screenshot, sign_in

pytestmark = pytest.mark.browser

CASE = "case:1f0e7c1a-3c57-4a51-9a43-0d2f3b1d6a11"


def _ignore(message: Message) -> None:
    """A subscriber that accepts everything."""


def _no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_administrator_replays_a_dead_letter_on_a_phone(page, ada):
    subscribe(Subscriber(name="sis", deliver=_ignore,
                         description="Alerts in the Schengen Information System"))
    for sequence in (1, 2):
        publish(event(CASE, sequence, "issue_return_decision"))
    publish(event("case:b", 1, "order_detention"))
    Message.objects.filter(stream=CASE, sequence=1).update(
        status=Message.Status.DEAD, attempts=8, failure=Message.Failure.ERROR,
        last_error="HTTPError: 422 the alert was refused: field 'alert.category' is missing")
    Message.objects.filter(stream="case:b").update(
        attempts=1, failure=Message.Failure.TIMEOUT, last_error="no answer within 30 s")

    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "ada", "x-ada")
    page.get_by_role("link", name="Deliveries to other systems").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Deliveries to other systems")
    assert _no_horizontal_scroll(page)
    assert_accessible(page)

    page.get_by_role("link", name="sis").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Deliveries to sis")
    page.get_by_text("The error as reported").first.click()
    expect(page.get_by_text("field 'alert.category' is missing")).to_be_visible()
    assert _no_horizontal_scroll(page)
    assert_accessible(page)
    screenshot(page, "outbox-subscriber-narrow")

    replay = page.get_by_role("button", name="Replay", exact=True)
    expect(replay).to_have_accessible_description("Issue return decision")
    replay.click()
    expect(page.get_by_role("status")).to_have_text("1 message will be delivered again.")
    expect(page.get_by_text("No dead letters.")).to_be_visible()
    assert_accessible(page)
    assert Message.objects.get(stream=CASE, sequence=1).status == Message.Status.PENDING
