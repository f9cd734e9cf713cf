"""In real Chromium: a user who switched the pages to Dutch reads the action's refusal in Dutch
next to the field it concerns, with its legal source, and the page stays accessible."""

from __future__ import annotations

import pytest

from retour.api.tests.conftest import TODAY
from retour.cases import actions
from retour.testing.browser import assert_accessible, screenshot, sign_in
from retour.testing.factories import case_for

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("frozen_clock")]


def test_a_dutch_user_reads_the_refusal_in_dutch_next_to_the_field(page, anna):
    case = case_for(anna)
    actions.record_end_of_legal_stay(anna, case.pk, decided_on=TODAY)
    sign_in(page, "anna", "x-anna")
    page.get_by_label("Language").select_option("nl")
    page.get_by_role("button", name="Change").click()
    page.goto(f"/cases/{case.pk}/actions/issue-return-decision/")
    page.get_by_label("Datum van het terugkeerbesluit").fill(TODAY.isoformat())
    page.get_by_label("Termijn voor vrijwillig vertrek (dagen)").fill("3")
    page.get_by_role("button", name="Terugkeerbesluit nemen").click()
    reason = page.get_by_label("Reden voor een kortere of geen termijn")
    assert reason.get_attribute("aria-invalid") == "true"
    shown = page.locator("#id_shortened_departure_reason_error").inner_text()
    assert "een termijn korter dan 7 dagen of geen termijn vraagt om een reden" in shown
    assert "(Richtlijn 2008/115/EG art. 7, lid 4)" in shown
    assert "Verbeter het volgende" in page.get_by_role("alert").inner_text()
    assert_accessible(page)
    screenshot(page, "action-form-errors-nl")
