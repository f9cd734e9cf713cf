from retour.reference.models import LegalParameter


def test_administrator_manages_users_and_parameters(client, ada, elena):
    client.force_login(ada)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/accounts/user/").status_code == 200
    # a rule of Union law is kept by the EU bodies' administrators (ADR 13)
    client.force_login(elena)
    parameter = LegalParameter.objects.get(code="voluntary_departure.maximum")
    page = client.get(f"/admin/reference/legalparameter/{parameter.pk}/change/")
    assert page.status_code == 200
    # only the end of validity may change: a new rule is a new version
    assert 'name="valid_until"' in page.content.decode()
    assert 'name="value"' not in page.content.decode()


def test_case_officer_and_coordinator_have_no_administration(client, anna, eva):
    for user in (anna, eva):
        client.force_login(user)
        response = client.get("/admin/accounts/user/")
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]


def test_case_data_are_not_in_the_administration(client, ada):
    client.force_login(ada)
    assert client.get("/admin/cases/returncase/").status_code == 404
    assert client.get("/admin/people/person/").status_code == 404
