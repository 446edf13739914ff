"""API tokens expire, can be revoked, keep only a hash, and carry the one-time-code state."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken
from approvals import services as approvals
from tests.approvals.factories import general_document, make_org
from tests.factories import UserFactory, api_token_key

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"
CREATE = "/accounts/settings/tokens/"


def get_with(key: str, url: str = ME, keyword: str = "Token"):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"{keyword} {key}")
    return client.get(url)


def new_key_on(response) -> str:
    match = re.search(r'data-testid="new-api-token">([^<]+)<', response.content.decode())
    assert match, "the new token is not shown"
    return match.group(1)


def test_manager_token_made_without_the_one_time_code_is_refused(manager_user):
    key = api_token_key(manager_user, otp_verified=False)
    response = get_with(key)
    assert response.status_code == 403
    assert "one-time code" in response.json()["detail"] or "일회용" in response.json()["detail"]


def test_health_token_made_without_the_one_time_code_reads_no_results(health_user):
    key = api_token_key(health_user, otp_verified=False)
    assert get_with(key, "/api/v1/rpa/uploads/").status_code == 403


def test_manager_session_without_the_one_time_code_cannot_create_a_token(client, manager_user):
    client.force_login(manager_user)
    response = client.post(CREATE, {"name": "script", "days": 7})
    assert response.status_code == 302
    assert not ApiToken.objects.filter(user=manager_user).exists()


def test_token_made_after_the_one_time_code_counts_as_verified(client_for, manager_user):
    response = client_for(manager_user).post(CREATE, {"name": "phone script", "days": 7})
    assert response.status_code == 201
    key = new_key_on(response)
    token = ApiToken.objects.get(user=manager_user)
    assert token.otp_verified and token.name == "phone script"
    assert token.expires_at - timezone.now() > timedelta(days=6, hours=23)
    assert get_with(key).json()["username"] == manager_user.username


def test_the_database_keeps_only_a_hash_of_the_key(client_for, staff_user):
    key = new_key_on(client_for(staff_user).post(CREATE, {"name": "mine", "days": 30}))
    token = ApiToken.objects.get(user=staff_user)
    assert key not in (token.key_hash, token.prefix)
    assert token.key_hash == ApiToken.hash_key(key)
    # Shown once: the settings page never shows it again.
    assert key not in client_for(staff_user).get("/accounts/settings/").content.decode()


def test_a_token_cannot_outlive_the_longest_expiry(client_for, staff_user, settings):
    response = client_for(staff_user).post(CREATE, {"name": "forever", "days": 10000})
    assert response.status_code == 400
    assert not ApiToken.objects.filter(user=staff_user).exists()


def test_expired_token_is_refused_with_401(staff_user):
    key = api_token_key(staff_user)
    ApiToken.objects.filter(user=staff_user).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    response = get_with(key)
    assert response.status_code == 401
    assert "expired" in response.json()["detail"] or "만료" in response.json()["detail"]


def test_revoked_token_is_refused_with_401(client_for, staff_user):
    key = api_token_key(staff_user)
    assert get_with(key).status_code == 200
    token = ApiToken.objects.get(user=staff_user)
    client_for(staff_user).post(f"/accounts/settings/tokens/{token.pk}/revoke/")
    response = get_with(key)
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"] or "폐기" in response.json()["detail"]


def test_someone_else_cannot_revoke_my_token(client_for, staff_user):
    key = api_token_key(staff_user)
    token = ApiToken.objects.get(user=staff_user)
    client_for(UserFactory(role="staff")).post(f"/accounts/settings/tokens/{token.pk}/revoke/")
    assert get_with(key).status_code == 200


def test_unknown_token_is_refused_with_401(db):
    assert get_with("fw_not-a-real-token").status_code == 401


def test_bearer_header_works_too(staff_user):
    assert get_with(api_token_key(staff_user), keyword="Bearer").status_code == 200


def test_last_use_is_written_at_most_every_few_minutes(staff_user):
    key = api_token_key(staff_user)
    get_with(key)
    first = ApiToken.objects.get(user=staff_user).last_used_at
    assert first is not None
    get_with(key)
    assert ApiToken.objects.get(user=staff_user).last_used_at == first
    ApiToken.objects.filter(user=staff_user).update(last_used_at=first - timedelta(minutes=10))
    get_with(key)
    assert ApiToken.objects.get(user=staff_user).last_used_at > first


def test_issue_api_token_prints_only_the_token(staff_user):
    out = StringIO()
    call_command(
        "issue_api_token", staff_user.username, "--days", "3", "--name", "nightly", stdout=out
    )
    lines = out.getvalue().splitlines()
    assert len(lines) == 1
    key = lines[0]
    assert re.fullmatch(r"fw_[A-Za-z0-9_-]{40,}", key)
    assert get_with(key).status_code == 200
    token = ApiToken.objects.get(user=staff_user)
    assert token.name == "nightly"
    assert timedelta(days=2, hours=23) < token.expires_at - timezone.now() <= timedelta(days=3)


def test_issue_api_token_for_an_unknown_person_says_so(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no active person"):
        call_command("issue_api_token", "nobody")


def test_unverified_token_of_a_substitute_cannot_approve():
    org = make_org()
    document = general_document(org)
    substitute = UserFactory(role="staff")
    today = timezone.localdate()
    approvals.set_absence(
        approver=org.lead, substitute=substitute, start_date=today, end_date=today
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_key(substitute, otp_verified=False)}")
    response = client.post(f"/api/v1/approvals/{document.pk}/approve/", {}, format="json")
    assert response.status_code == 403


def test_an_admin_revokes_a_token_in_the_admin(client_for, admin_user, staff_user):
    key = api_token_key(staff_user)
    token = ApiToken.objects.get(user=staff_user)
    client_for(admin_user).post(
        "/admin/accounts/apitoken/", {"action": "revoke", "_selected_action": [token.pk]}
    )
    assert get_with(key).status_code == 401
