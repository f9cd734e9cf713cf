"""Need to know inside a member state over the API (ADR 0016): a return counsellor finds only
the cases referred to reintegration, and health details only when the request says why."""

from __future__ import annotations

from retour.api.tests.conftest import TODAY, body_of
from retour.audit.models import AccessLogEntry
from retour.counselling.actions import refer_to_reintegration
from retour.testing.factories import case_in_voluntary_departure


def test_a_counsellor_finds_no_case_not_referred_to_counselling(lucas, lotte, api_client):
    case = case_in_voluntary_departure(lucas, decided_on=TODAY)
    client = api_client(lotte)
    assert client.get(f"/api/v1/cases/{case.pk}").status_code == 404
    listed = body_of(client.get("/api/v1/cases"))
    assert case.number not in str(listed)


def test_health_details_only_with_a_reason_kept_in_the_access_log(lucas, lotte, api_client):
    case = case_in_voluntary_departure(
        lucas, decided_on=TODAY, vulnerabilities=["serious_illness", "elderly"])
    refer_to_reintegration(lucas, case.pk, referred_on=TODAY, programme="Fedasil AVRR",
                           counselling_service="be-fedasil")
    client = api_client(lotte)

    def kinds(**headers: str) -> list[str]:
        response = client.get(f"/api/v1/cases/{case.pk}", headers=headers)
        assert response.status_code == 200, response.content
        return [v["kind"] for v in body_of(response)["person"]["vulnerabilities"]]

    assert kinds() == ["elderly"]
    assert kinds(**{"X-Retour-Reason": "medical support in the reintegration plan"}) == [
        "serious_illness", "elderly"]
    entry = AccessLogEntry.objects.filter(username="lotte").order_by("-sequence").first()
    assert entry is not None
    assert (entry.object_type, entry.reason) == (
        "return_case", "medical support in the reintegration plan")
    person = client.get(f"/api/v1/people/{case.person_id}")
    assert [v["kind"] for v in body_of(person)["vulnerabilities"]] == ["elderly"]
