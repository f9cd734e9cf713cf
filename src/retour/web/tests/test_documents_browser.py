"""Identity documents and non-cooperation in real Chromium: a passport recorded by pasting its
machine-readable zone, read first (the htmx preview, accessible after the swap), refused while a
check digit is wrong, then listed on the case page; an act of non-cooperation recorded through
its button and shown in its section and the history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from retour.api.tests.conftest import TODAY
from retour.identification.models import IdentityDocument
from retour.identification.tests.test_documents import passport_zone
from retour.testing.browser import assert_accessible, screenshot, sign_in
from retour.testing.factories import case_for
from retour.web.tests.test_documents_pages import wrong_check_digit

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("frozen_clock")]


def test_recording_a_passport_by_its_zone_and_an_act_of_non_cooperation(page, anna):
    case = case_for(anna)
    sign_in(page, "anna", "x-anna")
    page.goto(f"/cases/{case.pk}/")
    documents = page.get_by_role("region", name="Identity documents").first
    expect(documents).to_contain_text("No documents recorded.")
    documents.get_by_role("link", name="Record a document").click()
    expect(page).to_have_title("Record a document – Retour")
    assert str(case.pk) in page.url and "Haddad" not in page.url
    breadcrumb = page.get_by_role("navigation", name="Breadcrumb")
    assert breadcrumb.get_by_role("link", name=f"Case {case.number}").is_visible()
    assert_accessible(page)

    # A zone with a mistyped check digit: the preview says which one.
    page.get_by_label("Kind of document").select_option("passport")
    page.get_by_label("original", exact=True).check()
    zone = page.get_by_label("Machine-readable zone")
    zone.fill("\n".join(wrong_check_digit(passport_zone())))
    page.get_by_label("Where the document is kept").fill("case file")
    read = page.get_by_role("button", name="Read the zone")
    read.click()
    preview = page.locator("#zone-preview")
    expect(preview).to_contain_text("The zone reads, but check digits do not match")
    expect(preview).to_contain_text("Document number: does not match (printed")
    expect(preview).to_contain_text("Date of birth: valid")
    assert_accessible(page)
    screenshot(page, "record-document-check-digit-wrong")

    # Submitted as it is, the zone is refused, with the offer to record it as unverified.
    page.get_by_role("button", name="Record document").click()
    expect(page.get_by_role("alert")).to_contain_text("Please correct the following")
    assert zone.get_attribute("aria-invalid") == "true"
    expect(page.locator("#id_zone_error")).to_contain_text("the zone does not check")
    expect(page.get_by_label("Record the zone as unverified")).not_to_be_checked()
    assert page.get_by_label("Where the document is kept").input_value() == "case file"
    assert_accessible(page)
    screenshot(page, "record-document-refused")
    assert not IdentityDocument.objects.exists()

    # Corrected and read again: every check digit valid.
    zone.fill("\n".join(passport_zone()))
    read.click()
    expect(preview).to_contain_text("The zone reads: every check digit is valid")
    for fact in ("HADDAD", "KARIM", "P01234567", "Afghanistan (AFG)", "May 14, 2031"):
        expect(preview).to_contain_text(fact)
    assert preview.locator(".retour-check--invalid").count() == 0
    assert_accessible(page)
    screenshot(page, "record-document")

    page.get_by_role("button", name="Record document").click()
    page.wait_for_url(f"**/cases/{case.pk}/")
    expect(page.get_by_role("status")).to_have_text("The document “passport” is recorded.")
    documents = page.get_by_role("region", name="Identity documents").first
    for fact in ("Passport P01234567", "Afghanistan", "May 14, 2031", "original", "case file",
                 "verified"):
        expect(documents).to_contain_text(fact)
    assert_accessible(page)
    screenshot(page, "case-page-documents")

    # Non-cooperation, through the procedure's button.
    page.get_by_role("link", name="Record non-cooperation").click()
    expect(page).to_have_title("Record non-cooperation – Retour")
    assert_accessible(page)
    page.get_by_label("What happened").select_option("refused_to_attend")
    page.get_by_label("Date it happened").fill((TODAY - timedelta(days=1)).isoformat())
    page.get_by_label("Evidence").fill("Did not come to the appointment at the embassy on 1 "
                                       "March; report of the escort.")
    page.get_by_label("Consequence").select_option("risk_of_absconding")
    screenshot(page, "record-non-cooperation")
    page.get_by_role("button", name="Record non-cooperation").click()
    page.wait_for_url(f"**/cases/{case.pk}/")
    expect(page.get_by_role("status")).to_have_text("Record non-cooperation: done.")
    acts = page.get_by_role("region", name="Non-cooperation").first
    expect(acts).to_contain_text("Refused to attend an interview or appointment")
    expect(acts).to_contain_text("report of the escort")
    expect(acts).to_contain_text("Anna de Vries")
    history = page.get_by_role("region", name="History")
    expect(history.get_by_role("heading", name="Record non-cooperation")).to_be_visible()
    expect(history).to_contain_text("refused to attend an interview or appointment on")
    assert_accessible(page)
    screenshot(page, "case-page-non-cooperation")


def test_without_javascript_the_zone_is_read_by_posting_the_form(chromium, live_server, anna):
    case = case_for(anna)
    context = chromium.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        sign_in(page, "anna", "x-anna")
        page.goto(f"/cases/{case.pk}/documents/new/")
        read = page.get_by_role("button", name="Read the zone")
        expect(read).to_have_count(1)  # the plain button; the one for htmx is hidden
        assert read.get_attribute("type") == "submit"
        page.get_by_label("Kind of document").select_option("passport")
        page.get_by_label("copy", exact=True).check()
        page.get_by_label("Machine-readable zone").fill("\n".join(passport_zone()))
        read.click()
        expect(page.locator("#zone-preview")).to_contain_text(
            "The zone reads: every check digit is valid")
        assert page.get_by_label("copy", exact=True).is_checked()
        assert not IdentityDocument.objects.exists()
        screenshot(page, "record-document-without-javascript")
        page.get_by_role("button", name="Record document").click()
        page.wait_for_url(f"**/cases/{case.pk}/")
        expect(page.get_by_role("status")).to_have_text("The document “passport” is recorded.")
        assert IdentityDocument.objects.get().form == "copy"
    finally:
        context.close()


def test_without_javascript_enter_in_a_field_records_the_document(chromium, live_server, anna):
    """Enter submits with the form's first submit button: the (hidden) default one that
    records, not "Read the zone", which comes earlier on the page."""
    case = case_for(anna)
    context = chromium.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        sign_in(page, "anna", "x-anna")
        page.goto(f"/cases/{case.pk}/documents/new/")
        page.get_by_label("Kind of document").select_option("passport")
        page.get_by_label("original", exact=True).check()
        page.get_by_label("Machine-readable zone").fill("\n".join(passport_zone()))
        kept = page.get_by_label("Where the document is kept")
        kept.fill("case file")
        kept.press("Enter")
        page.wait_for_url(f"**/cases/{case.pk}/")
        expect(page.get_by_role("status")).to_have_text("The document “passport” is recorded.")
        assert IdentityDocument.objects.get().kept_at == "case file"
    finally:
        context.close()
