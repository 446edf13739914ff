"""The API: session sign-in for the browser, tokens for scripts, OTP for browser sessions."""

import pytest
from django.core.management import call_command

from tests.factories import api_token_key


@pytest.mark.django_db
def test_token_client_acts_as_its_user(client, manager_user):
    key = api_token_key(manager_user)
    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    assert response.json()["username"] == manager_user.username
    assert response.json()["roles"] == ["manager"]


@pytest.mark.django_db
def test_issue_api_token_command_issues_a_working_token(client, staff_user, capsys):
    call_command("issue_api_token", staff_user.username)
    key = capsys.readouterr().out.strip()
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200


@pytest.mark.django_db
def test_anonymous_api_request_is_refused(client):
    assert client.get("/api/v1/me/").status_code in (401, 403)


@pytest.mark.django_db
def test_browser_session_of_a_manager_needs_the_otp_step_for_the_api(client, manager_user):
    client.force_login(manager_user)
    response = client.get("/api/v1/me/")
    assert response.status_code == 403
    assert "one-time code" in response.json()["detail"] or "일회용" in response.json()["detail"]


@pytest.mark.django_db
def test_schema_and_docs_are_served_without_outside_assets(client_for, staff_user):
    client = client_for(staff_user)
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    docs = client.get("/api/docs/").content.decode()
    assert "cdn" not in docs.lower() and "https://" not in docs


@pytest.mark.django_db
def test_unknown_api_urls_answer_json_404_and_pages_answer_html(client_for, staff_user):
    client = client_for(staff_user)
    api = client.get("/api/v1/worktime/requests/not-a-number/")
    assert api.status_code == 404
    assert api["Content-Type"] == "application/json"
    assert api.json()["detail"]
    page = client.get("/no-such-page/")
    assert page.status_code == 404
    assert page["Content-Type"].startswith("text/html")
