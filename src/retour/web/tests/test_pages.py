from django.db import connection


def test_healthz_tells_anonymous_callers_only_ok(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]


def test_healthz_reports_the_database_to_a_signed_in_user(client, anna):
    client.force_login(anna)
    body = client.get("/healthz").json()
    assert body == {"status": "ok", "database": {"status": "ok", "engine": connection.vendor}}


def test_home_requires_sign_in(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_sign_in_shows_the_users_roles(client, anna):
    from retour.accounts.signin import totp

    device = totp.give_device(anna, "Test authenticator")
    response = client.post("/accounts/login/", {"username": "anna", "password": "x-anna"})
    assert response.status_code == 302
    response = client.post(response["Location"], {"code": totp.code_now(device)})
    assert response.status_code == 302
    page = client.get("/").content.decode()
    assert "Case officer" in page
    assert "Dienst Terugkeer en Vertrek" in page


def test_wrong_password_is_refused_with_a_message(client, anna):
    response = client.post("/accounts/login/", {"username": "anna", "password": "wrong"})
    assert response.status_code == 200
    assert "did not match" in response.content.decode()
