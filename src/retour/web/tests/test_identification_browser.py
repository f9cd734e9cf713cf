"""The identification dossier and the evidence form in real Chromium: reached from the case
page, accessible in English and Dutch, a refusal next to its field, the evidence recorded and
counted in the dossier; and another country of return chosen."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from retour.api.tests.conftest import TODAY
from retour.identification.actions import NewDocument, record_identity_document
from retour.identification.models import IdentityEvidence
from retour.testing.browser import assert_accessible, screenshot, sign_in
from retour.testing.factories import case_for

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("frozen_clock")]


def test_recording_evidence_and_reading_the_dossier(page, anna):
    case = case_for(anna)
    record_identity_document(anna, case.person_id, NewDocument(
        kind="passport", form="copy", number="MA1234567", issuing_country="MA",
        expires_on=TODAY + timedelta(days=900)))
    sign_in(page, "anna", "x-anna")
    page.goto(f"/cases/{case.pk}/")
    page.get_by_role("region", name="Identity documents").first.get_by_role(
        "link", name="Identification dossier").click()
    expect(page).to_have_title("Identification dossier – Retour")
    morocco = page.get_by_role("region", name="Return to Morocco")
    expect(morocco).to_contain_text("prima facie evidence")
    expect(morocco).to_contain_text("a copy")
    expect(morocco).to_contain_text("What is missing")
    expect(morocco.locator(".utrecht-status-badge--warning", has_text="unverified")
           ).to_be_visible()
    assert_accessible(page)
    screenshot(page, "identification-dossier")

    page.get_by_role("link", name="Record other identity evidence").click()
    expect(page).to_have_title("Record other identity evidence – Retour")
    assert_accessible(page)
    page.get_by_label("biometric data taken").check()
    page.get_by_label("Date", exact=True).fill(TODAY.isoformat())
    page.get_by_label("good", exact=True).check()
    page.get_by_role("button", name="Record evidence").click()
    expect(page.get_by_role("alert")).to_contain_text("Please correct the following")
    expect(page.locator("#id_reference_error")).to_contain_text(
        "give the reference in the national biometric system")
    assert page.get_by_label("Reference").get_attribute("aria-invalid") == "true"
    assert_accessible(page)
    screenshot(page, "record-evidence-refused")
    assert not IdentityEvidence.objects.exists()

    page.get_by_label("interview by the consulate or a delegation").check()
    page.get_by_label("Nationality it points to").select_option("MA")
    page.get_by_label("Reference").fill("Consulate Rotterdam 2026/114")
    page.get_by_label("Summary").fill("The consul recognised him as a Moroccan national.")
    screenshot(page, "record-evidence")
    page.get_by_role("button", name="Record evidence").click()
    page.wait_for_url(f"**/people/{case.person_id}/identification/")
    expect(page.get_by_role("status")).to_have_text(
        "The evidence “interview by the consulate or a delegation” is recorded.")
    morocco = page.get_by_role("region", name="Return to Morocco")
    expect(morocco.locator(".utrecht-status-badge--success")).to_have_text("complete")
    expect(morocco).to_contain_text("proves nationality")
    expect(page.get_by_role("region", name="Other identity evidence").first).to_contain_text(
        "Consulate Rotterdam 2026/114")

    page.get_by_label("Country of return", exact=True).select_option("PK")
    page.get_by_role("button", name="Evaluate").click()
    pakistan = page.get_by_role("region", name="Return to Pakistan")
    expect(pakistan).to_contain_text("incomplete")
    expect(pakistan).to_contain_text("Council Decision 2010/649/EU")
    assert_accessible(page)
    screenshot(page, "identification-dossier-two-countries")


def test_the_pages_in_dutch(page, anna):
    case = case_for(anna)
    sign_in(page, "anna", "x-anna")
    page.get_by_label("Language").select_option("nl")
    page.get_by_role("button", name="Change").click()
    page.goto(f"/people/{case.person_id}/identification/")
    expect(page).to_have_title("Identificatiedossier – Retour")
    expect(page.get_by_role("region", name="Terugkeer naar Marokko")).to_contain_text(
        "onvolledig")
    assert_accessible(page)
    screenshot(page, "identification-dossier-nl")
    page.get_by_role("link", name="Ander identiteitsbewijs vastleggen").click()
    expect(page).to_have_title("Ander identiteitsbewijs vastleggen – Retour")
    assert_accessible(page)
    screenshot(page, "record-evidence-nl")
