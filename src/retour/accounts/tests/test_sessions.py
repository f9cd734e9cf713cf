"""Sessions end when the account or its password changes (ASVS 5.0 7.4.2, 7.4.3): a
deactivated user is signed out at their next request, and a new password ends every other
session of the user."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.django_db
def test_a_deactivated_user_is_signed_out_at_the_next_request(anna):
    browser = Client()
    browser.force_login(anna)
    assert browser.get("/cases/").status_code == 200
    anna.is_active = False
    anna.save(update_fields=["is_active"])
    response = browser.get("/cases/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_a_new_password_ends_the_user_s_other_sessions(anna):
    office, phone = Client(), Client()
    office.force_login(anna)
    phone.force_login(anna)
    anna.set_password("a-new-and-long-passphrase-for-anna")
    anna.save(update_fields=["password"])
    for browser in (office, phone):
        response = browser.get("/cases/")
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
