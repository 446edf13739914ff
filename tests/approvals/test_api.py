"""The approvals API: inbox, document, decisions and their status codes, absences, schema."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from approvals import services
from tests.approvals.factories import general_document, make_org
from tests.factories import UserFactory, api_token_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    return make_org()


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_key(user)}")
    return client


def test_inbox_lists_what_waits_for_me(org):
    document = general_document(org)
    response = token_client(org.lead).get("/api/v1/approvals/inbox/")
    assert response.status_code == 200
    assert [item["id"] for item in response.json()["results"]] == [document.pk]
    assert response.json()["results"][0]["summary"] == "1,200,000원 · 1대"


def test_document_has_line_and_history(org):
    document = general_document(org)
    data = token_client(org.lead).get(f"/api/v1/approvals/{document.pk}/").json()
    assert [step["kind"] for step in data["line"]] == ["review", "final"]
    assert data["history"][0]["kind"] == "submitted"
    assert data["can_decide"] is True
    assert data["facts"] == [["금액", "1,200,000원"], ["수량", "1대"]]


def test_approve_then_again_is_409(org):
    document = general_document(org)
    client = token_client(org.lead)
    first = client.post(
        f"/api/v1/approvals/{document.pk}/approve/", {"comment": "확인"}, format="json"
    )
    assert first.status_code == 200
    assert first.json()["history"][-1]["client"].startswith("api")
    second = client.post(f"/api/v1/approvals/{document.pk}/approve/", {}, format="json")
    assert second.status_code == 409
    assert second.json()["detail"]


def test_return_without_reason_is_400(org):
    document = general_document(org)
    response = token_client(org.lead).post(
        f"/api/v1/approvals/{document.pk}/return/", {}, format="json"
    )
    assert response.status_code == 400


def test_return_with_reason(org):
    document = general_document(org)
    response = token_client(org.lead).post(
        f"/api/v1/approvals/{document.pk}/return/", {"reason": "근거 보완"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "returned"


def test_applicant_cannot_approve_own_document_403(org):
    document = general_document(org)
    response = token_client(org.applicant).post(f"/api/v1/approvals/{document.pk}/approve/")
    assert response.status_code == 403


def test_stranger_gets_404(org):
    document = general_document(org)
    response = token_client(UserFactory()).get(f"/api/v1/approvals/{document.pk}/")
    assert response.status_code == 404
    response = token_client(UserFactory()).post(f"/api/v1/approvals/{document.pk}/approve/")
    assert response.status_code == 404


def test_withdraw_by_applicant_then_approver_gets_409(org):
    document = general_document(org)
    response = token_client(org.applicant).post(f"/api/v1/approvals/{document.pk}/withdraw/")
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    response = token_client(org.lead).post(f"/api/v1/approvals/{document.pk}/approve/")
    assert response.status_code == 409


def test_withdraw_by_someone_else_is_403(org):
    document = general_document(org)
    response = token_client(org.lead).post(f"/api/v1/approvals/{document.pk}/withdraw/")
    assert response.status_code == 403


def test_withdraw_after_approval_is_409(org):
    document = general_document(org)
    services.approve(document=document, actor=org.lead)
    response = token_client(org.applicant).post(f"/api/v1/approvals/{document.pk}/withdraw/")
    assert response.status_code == 409


def test_absences_get_and_post(org):
    client = token_client(org.lead)
    today = timezone.localdate().isoformat()
    response = client.post(
        "/api/v1/approvals/absences/",
        {"substitute": org.chief.pk, "start_date": today, "end_date": today},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["substitute_name"] == org.chief.full_name
    overlapping = client.post(
        "/api/v1/approvals/absences/",
        {"substitute": org.chief.pk, "start_date": today, "end_date": today},
        format="json",
    )
    assert overlapping.status_code == 400
    listed = client.get("/api/v1/approvals/absences/").json()
    assert len(listed["results"]) == 1


def test_unverified_session_cannot_approve(org, client):
    document = general_document(org)
    staff_substitute = UserFactory(role="staff")
    today = timezone.localdate()
    services.set_absence(
        approver=org.lead, substitute=staff_substitute, start_date=today, end_date=today
    )
    client.force_login(staff_substitute)
    response = client.post(
        f"/api/v1/approvals/{document.pk}/approve/", {}, content_type="application/json"
    )
    assert response.status_code == 403


def test_schema_describes_the_endpoints_without_warnings(admin_user, client_for, capsys):
    from drf_spectacular.generators import SchemaGenerator

    generator = SchemaGenerator()
    schema = generator.get_schema(request=None, public=True)
    paths = schema["paths"]
    for path in (
        "/api/v1/approvals/inbox/",
        "/api/v1/approvals/{document_id}/",
        "/api/v1/approvals/{document_id}/approve/",
        "/api/v1/approvals/{document_id}/return/",
        "/api/v1/approvals/{document_id}/withdraw/",
        "/api/v1/approvals/absences/",
    ):
        assert path in paths
    assert "409" in paths["/api/v1/approvals/{document_id}/approve/"]["post"]["responses"]
    captured = capsys.readouterr()
    assert "approvals" not in captured.err


def test_refusals_answer_with_their_code(org):
    document = general_document(org)
    lead = token_client(org.lead)
    lead.post(f"/api/v1/approvals/{document.pk}/approve/", {}, format="json")
    again = lead.post(f"/api/v1/approvals/{document.pk}/approve/", {}, format="json")
    assert (again.status_code, again.json()["code"]) == (409, "already_decided")
    own = token_client(org.applicant).post(f"/api/v1/approvals/{document.pk}/approve/")
    assert (own.status_code, own.json()["code"]) == (403, "own_document")
    reviewer = UserFactory(role="staff", department=org.team)
    reviewed = general_document(org, reviewers=[reviewer])
    unverified = APIClient()
    unverified.credentials(
        HTTP_AUTHORIZATION=f"Token {api_token_key(reviewer, otp_verified=False)}"
    )
    refused = unverified.post(f"/api/v1/approvals/{reviewed.pk}/approve/")
    assert (refused.status_code, refused.json()["code"]) == (403, "one_time_code_required")
