"""Instruments in the administration: an edit records the next version, never changes one;
the rules are checked, with the error on the field; a change note is required."""

from __future__ import annotations

import json
from typing import Any

import pytest

from retour.readmission.instruments import latest_version
from retour.readmission.models import Instrument

pytestmark = pytest.mark.usefixtures("frozen_clock")


def _url(instrument: Instrument) -> str:
    return f"/admin/readmission/instrument/{instrument.pk}/change/"


def _form(instrument: Instrument, **changes: Any) -> dict[str, Any]:
    """The change form as the administrator's browser would post it."""
    values = {
        # Fields with a callable default carry their initial value in a hidden input.
        "initial-member_states": json.dumps(instrument.member_states),
        "initial-rules": json.dumps(instrument.rules),
        "kind": instrument.kind, "title": instrument.title,
        "third_country": instrument.third_country_id,
        "member_states": json.dumps(instrument.member_states),
        "legal_reference": instrument.legal_reference,
        "in_force_from": instrument.in_force_from.isoformat() if instrument.in_force_from else "",
        "in_force_until": "",
        "rules": json.dumps(instrument.rules), "source": instrument.source,
        "change_note": "reply limit checked against the OJ text", "_save": "Save",
    }
    return values | changes


def _pakistan() -> Instrument:
    found = latest_version("eura-pk")
    assert found is not None
    return found


def test_an_edit_records_the_next_version_and_keeps_the_old_one(client, elena):
    client.force_login(elena)
    old = _pakistan()
    assert client.get("/admin/readmission/instrument/").status_code == 200
    page = client.get(_url(old))
    assert page.status_code == 200 and 'name="rules"' in page.content.decode()
    rules = {**old.rules, "reply_limit": {**old.rules["reply_limit"], "value": 25,
                                          "verification": "verified"}}
    answer = client.post(_url(old), _form(old, rules=json.dumps(rules)))
    assert answer.status_code == 302, answer.content.decode()
    new = _pakistan()
    assert new.version == old.version + 1 and new.pk != old.pk
    assert new.rules["reply_limit"]["value"] == 25
    assert new.recorded_by == "elena"
    assert new.change_note == "reply limit checked against the OJ text"
    old.refresh_from_db()
    assert old.rules["reply_limit"]["value"] == 30  # unchanged
    # An earlier version can be viewed, not edited.
    earlier = client.get(_url(old)).content.decode()
    assert 'name="rules"' not in earlier and 'name="_save"' not in earlier


@pytest.mark.parametrize(("changes", "field", "says"), [
    ({"rules": json.dumps({"reply_limit": {"value": 30, "unit": "fortnights",
                                           "source": "x", "verification": "verified"}})},
     "rules", "unit must be one of"),
    ({"rules": json.dumps({"reply_limit": {"value": 30, "unit": "calendar_days"}})},
     "rules", "the source is missing"),
    ({"rules": "{not json"}, "rules", "Enter a valid JSON"),
    ({"member_states": json.dumps(["XX"])}, "member_states", "EU member state codes"),
    # Binding one member state would hand the agreement to that state's administrators.
    ({"member_states": json.dumps(["NL"])}, "member_states", "administrators who keep it"),
    ({"change_note": ""}, "change_note", "This field is required"),
    ({}, "__all__", "Nothing changed"),
])
def test_a_wrong_edit_is_shown_on_its_field_and_records_nothing(client, elena, changes, field,
                                                                 says):
    client.force_login(elena)
    old = _pakistan()
    if field != "__all__":
        changes = {"title": old.title + " (corrected)", **changes}
    answer = client.post(_url(old), _form(old, **changes))
    assert answer.status_code == 200
    errors = answer.context["adminform"].form.errors
    assert says in " ".join(errors.get(field, [])), errors
    assert _pakistan() == old


def test_only_administrators_reach_the_instruments(client, anna):
    client.force_login(anna)
    answer = client.get(_url(_pakistan()))
    assert answer.status_code == 302 and "/admin/login/" in answer["Location"]
