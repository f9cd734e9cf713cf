"""Event types: declared once, payloads checked when written, older versions upcast when
read, personal data marked, and the catalogue in docs/events/ generated from them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pytest

from retour.seam import catalogue, events
from retour.seam.events import PERSONAL, EventPayloadInvalid, Payload

DOCS = Path(__file__).resolve().parents[4] / "docs" / "events"


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """Declarations made by a test are forgotten after it."""
    monkeypatch.setattr(events, "_TYPES", dict(events._TYPES))


class Greeted(Payload):
    name: Annotated[str, PERSONAL]
    times: int = 1


def test_a_payload_is_checked_against_its_schema(registry: None) -> None:
    greeted = events.declare("greeted", Greeted, label="Greeted")
    greeted.validate({"name": "Amina", "times": 2})
    with pytest.raises(EventPayloadInvalid, match="greeted v1"):
        greeted.validate({"name": "Amina", "tims": 2})  # a key the schema does not know
    with pytest.raises(EventPayloadInvalid):
        greeted.validate({"times": 2})  # a required key missing


def test_an_older_payload_is_upcast_step_by_step_when_read(registry: None) -> None:
    events.declare(
        "greeted", Greeted, label="Greeted", version=3,
        upcasters={1: lambda p: {"name": p["who"]}, 2: lambda p: {**p, "times": 1}},
    )
    assert events.current("greeted", 1, {"who": "Amina"}) == (3, {"name": "Amina", "times": 1})
    assert events.read("greeted", 3, {"name": "Amina", "times": 4}) == {
        "name": "Amina", "times": 4,
    }


def test_a_version_without_its_upcasters_is_refused(registry: None) -> None:
    with pytest.raises(ValueError, match="no upcaster from version"):
        events.declare("greeted", Greeted, label="Greeted", version=2)


def test_a_name_is_declared_once(registry: None) -> None:
    events.declare("greeted", Greeted, label="Greeted")
    with pytest.raises(ValueError, match="declared twice"):
        events.declare("greeted", Greeted, label="Greeted again")


def test_personal_data_is_marked_in_the_schema(registry: None) -> None:
    greeted = events.declare("greeted", Greeted, label="Greeted")
    assert greeted.personal_fields() == ["name"]
    schema = greeted.json_schema()
    assert schema["properties"]["name"]["x-personal-data"] is True
    assert "x-personal-data" not in schema["properties"]["times"]
    assert (schema["title"], schema["x-version"]) == ("greeted", 1)


def test_the_catalogue_in_docs_is_generated_from_the_declarations() -> None:
    wanted = catalogue.files()
    found = {path.name: path.read_text(encoding="utf-8") for path in DOCS.iterdir()}
    assert found == wanted, "docs/events/ is out of date: run `retour events --output docs/events`"


def test_the_detention_events_mark_where_the_person_is_held() -> None:
    assert "detention.facility" in events.get("order_detention").personal_fields()


def test_the_command_lists_every_type_as_json_and_writes_the_catalogue(tmp_path) -> None:
    import io
    import json

    from django.core.management import CommandError, call_command

    out = io.StringIO()
    call_command("events", format="json", stdout=out)
    listed = {t["name"]: t for t in json.loads(out.getvalue())["event_types"]}
    assert listed["order_detention"]["owner"] == "detention"
    assert listed["order_detention"]["schema"]["x-version"] == 1
    call_command("events", output=tmp_path / "events", stdout=io.StringIO())
    assert (tmp_path / "events" / "order_detention.v1.json").exists()
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    with pytest.raises(CommandError, match="--output"):
        call_command("events", output=blocked / "events", stdout=io.StringIO())
