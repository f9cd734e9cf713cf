"""The outbox page: administrators only; per subscriber the queue in words; dead letters and
failing messages with the reason; replay and skip buttons (POST, CSRF); Dutch."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from retour import clock
from retour.audit.models import AccessLogEntry
from retour.outbox.models import Message
from retour.outbox.publish import publish
from retour.outbox.subscribers import Subscriber, subscribe
from retour.outbox.tests.conftest import OCCURRED, client_of, event

pytestmark = pytest.mark.django_db

NOW = OCCURRED + timedelta(hours=3)
CASE = "case:1f0e7c1a-3c57-4a51-9a43-0d2f3b1d6a11"


def _ignore(message: Message) -> None:
    """A subscriber that accepts everything."""


@pytest.fixture
def outbox() -> dict[str, Message]:
    """Two subscribers; "sis" has a delivered message, a failing one, one waiting behind it,
    a dead letter (with one waiting behind it) and a message whose worker stopped."""
    subscribe(Subscriber(name="sis", deliver=_ignore,
                         description="Alerts in the Schengen Information System"))
    subscribe(Subscriber(name="notify", deliver=_ignore, event_types=frozenset({"closed"})))
    with clock.frozen_at(OCCURRED):
        for sequence in (1, 2, 3):
            publish(event(CASE, sequence, "issue_return_decision"))
        for sequence in (1, 2):
            publish(event("case:b", sequence, "order_detention"))
        publish(event("case:c", 1))
    Message.objects.filter(stream=CASE, sequence=1).update(
        status=Message.Status.DELIVERED, delivered_at=OCCURRED + timedelta(hours=1))
    Message.objects.filter(stream=CASE, sequence=2).update(
        attempts=2, failure=Message.Failure.TIMEOUT, last_error="no answer within 30 s",
        next_attempt_at=NOW + timedelta(minutes=5))
    Message.objects.filter(stream="case:c").update(
        attempts=1, failure=Message.Failure.ABANDONED, last_error="lease of worker w ran out")
    Message.objects.filter(stream="case:b", sequence=1).update(
        status=Message.Status.DEAD, attempts=8, failure=Message.Failure.ERROR,
        last_error="HTTPError: 422 <schema> rejected\nfield 'alert' missing")
    return {f"{m.stream}#{m.sequence}": m for m in Message.objects.all()}


def _get(client: Client, url: str, status: int = 200) -> str:
    with clock.frozen_at(NOW):
        response = client.get(url)
    assert response.status_code == status, response.status_code
    return " ".join(html.unescape(response.content.decode()).split())


def test_the_administrator_sees_each_subscribers_queue(ada, outbox):
    page = _get(client_of(ada), "/outbox/")
    assert "<title>Deliveries to other systems – Retour</title>" in page
    row = re.search(r'<th [^>]*scope="row"><a class="utrecht-link" href="/outbox/sis/">sis</a>'
                    r"</th>(.*?)</tr>", page)
    assert row, page
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row[1])
    assert [re.sub(r"<[^>]+>", "", c).strip() for c in cells] == [
        "Alerts in the Schengen Information System",
        "4",  # waiting: the failing one, one behind it, one behind the dead letter, case:c
        "3 hours",  # the oldest waiting message was written three hours ago
        "2",  # failing
        "1",  # dead letters
        "March 2, 2026, 2 p.m.",  # last delivered, in the page's time zone
    ]
    notify = re.search(r'href="/outbox/notify/">notify</a></th>(.*?)</tr>', page)
    assert notify and "never" in notify[1] and "–" in notify[1]


def test_the_subscriber_page_gives_the_reasons_in_words(ada, outbox):
    page = _get(client_of(ada), "/outbox/sis/")
    assert "<h1 class=\"utrecht-heading-1\">Deliveries to sis</h1>" in page
    dead = page[page.index('id="dead-title"'):page.index('id="failing-title"')]
    assert "Order detention" in dead and "case b" in dead and "change 1 of the case" in dead
    assert "Given up after 8 failed attempts: the subscriber reported an error." in dead
    assert ">The error as reported</summary>" in dead
    assert "HTTPError: 422 <schema> rejected" in dead
    with clock.frozen_at(NOW):
        raw = client_of(ada).get("/outbox/sis/").content.decode()
    assert "HTTPError: 422 &lt;schema&gt; rejected<br>field &#x27;alert&#x27; missing" in raw
    assert "1 later message waits behind them." in dead
    assert dead.count('action="/outbox/sis/replay/"') == 2  # the message, and all of them
    assert f'name="message" value="{outbox["case:b#1"].pk}"' in dead
    assert "Replay all dead letters" in dead
    failing = page[page.index('id="failing-title"'):]
    assert "Issue return decision" in failing
    assert CASE.replace("case:", "case ") in failing
    assert ("2 failed attempts: no answer within the time limit. Next attempt in 5 minutes."
            in failing)
    assert ("1 failed attempt: the worker stopped during the delivery. Tried again as soon as a "
            "worker is free.") in failing
    assert "Replay" not in failing


def test_the_page_in_dutch(ada, outbox):
    client = client_of(ada)
    client.post("/i18n/setlang/", {"language": "nl", "next": "/"})
    page = _get(client, "/outbox/sis/")
    assert "Leveringen aan sis" in page
    assert "Opgegeven na 8 mislukte pogingen: het ontvangende systeem meldde een fout." in page
    assert "Alle onbestelbare berichten opnieuw aanbieden" in page
    overview = _get(client, "/outbox/")
    assert "3 uur" in overview and "nooit" in overview


def test_no_subscriber_is_said_in_words(ada):
    assert "No system subscribes to the changes of cases" in _get(client_of(ada), "/outbox/")


@pytest.mark.parametrize("persona", ["anna", "ruud", "tom", "eva"])
def test_other_roles_are_refused(request, persona, outbox):
    client = client_of(request.getfixturevalue(persona))
    for url in ("/outbox/", "/outbox/sis/"):
        assert "Your role does not allow reading the deliveries to other systems." in _get(
            client, url, 403)
    response = client.post("/outbox/sis/replay/", {"every": "on"})
    assert response.status_code == 403
    assert Message.objects.filter(status=Message.Status.DEAD).count() == 1


def test_anonymous_visitors_are_sent_to_sign_in(client, outbox):
    for url in ("/outbox/", "/outbox/sis/"):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_an_unknown_subscriber_is_not_found(ada, outbox):
    _get(client_of(ada), "/outbox/nobody/", 404)


def _post(client: Client, url: str, data: dict[str, Any]) -> Any:
    with clock.frozen_at(NOW):
        return client.post(url, data, follow=True)


def test_replaying_one_dead_letter(ada, outbox):
    dead = outbox["case:b#1"]
    response = _post(client_of(ada), "/outbox/sis/replay/", {"message": dead.pk})
    assert response.redirect_chain == [("/outbox/sis/", 302)]
    assert "1 message will be delivered again." in response.content.decode()
    dead.refresh_from_db()
    assert (dead.status, dead.attempts, dead.next_attempt_at) == (
        Message.Status.PENDING, 0, NOW)
    entry = AccessLogEntry.objects.get()
    assert (entry.operation, entry.object_type, entry.object_ids) == (
        "write", "outbox_message", [str(dead.pk)])


def test_replaying_all_dead_letters(ada, outbox):
    response = _post(client_of(ada), "/outbox/sis/replay/", {"every": "on"})
    assert "1 message will be delivered again." in response.content.decode()
    assert not Message.objects.filter(status=Message.Status.DEAD).exists()


def test_skipping_a_dead_letter(ada, outbox):
    dead = outbox["case:b#1"]
    response = _post(client_of(ada), "/outbox/sis/skip/", {"message": dead.pk})
    assert "1 message is skipped: it will not be delivered." in response.content.decode()
    dead.refresh_from_db()
    assert dead.status == Message.Status.SKIPPED


def test_a_message_of_another_subscriber_or_not_dead_is_left_alone(ada, outbox):
    subscribe(Subscriber(name="other", deliver=_ignore))
    response = _post(client_of(ada), "/outbox/other/replay/",
                     {"message": outbox["case:b#1"].pk})
    assert "Nothing changed: no dead letter was left to change." in response.content.decode()
    _post(client_of(ada), "/outbox/sis/skip/", {"message": outbox[f"{CASE}#2"].pk})
    assert Message.objects.filter(status=Message.Status.DEAD).count() == 1
    assert not AccessLogEntry.objects.exists()


@pytest.mark.parametrize(("url", "data"), [
    ("/outbox/sis/skip/", {"every": "on"}),  # skipping is one message at a time
    ("/outbox/sis/replay/", {}),
    ("/outbox/sis/replay/", {"message": "x"}),
])
def test_a_form_that_names_nothing_it_may_is_refused(ada, outbox, url, data):
    assert client_of(ada).post(url, data).status_code == 400
    assert Message.objects.filter(status=Message.Status.DEAD).count() == 1


def test_the_buttons_need_the_csrf_token(ada, outbox):
    client = Client(enforce_csrf_checks=True)
    client.force_login(ada)
    assert client.post("/outbox/sis/replay/", {"every": "on"}).status_code == 403
    assert client.get("/outbox/sis/replay/").status_code == 405


def test_the_administrators_home_page_links_to_the_page(ada, anna):
    assert 'href="/outbox/">Deliveries to other systems</a>' in _get(client_of(ada), "/")
    assert "/outbox/" not in _get(client_of(anna), "/")


def test_another_member_states_administrator_neither_sees_nor_handles_the_messages(ada, outbox):
    """Administration is scoped to the member state: Belgium's administrator sees Dutch
    subscribers' queues empty, and a replay or skip of a Dutch dead letter changes nothing."""
    from conftest import make_user
    from retour.accounts.roles import RoleCode

    belgian = make_user("bart", "Bart", "Claes", "be-dvz", (RoleCode.ADMINISTRATOR,))
    client = client_of(belgian)
    page = _get(client, "/outbox/sis/")
    assert "HTTPError" not in page and "case b" not in page
    assert "HTTPError" in _get(client_of(ada), "/outbox/sis/")  # the Dutch one sees it
    dead = outbox["case:b#1"]
    with clock.frozen_at(NOW):
        client.post("/outbox/sis/replay/", {"message": dead.pk})
        client.post("/outbox/sis/skip/", {"message": dead.pk})
    dead.refresh_from_db()
    assert dead.status == Message.Status.DEAD
    assert not AccessLogEntry.objects.filter(object_type="outbox_message").exists()
