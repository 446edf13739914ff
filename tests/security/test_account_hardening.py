"""Sign-in hardening: the personnel office's one-time code, asking again before changing how a
person signs in, long passwords, idle sessions, and the API schema for signed-in people only."""

import time

import pytest
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import roles
from accounts.middleware import LAST_ACTIVITY_KEY, SIGNED_IN_AT_KEY
from accounts.reauth import REAUTHENTICATED_AT_KEY
from accounts.services import regenerate_backup_codes
from tests.conftest import enrol_totp, totp_code, verified_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def personnel_officer():
    officer = UserFactory(role=roles.STAFF)
    officer.groups.add(Group.objects.get(name=roles.PERSONNEL))
    enrol_totp(officer)
    return officer


def shift_session(client, **seconds_ago):
    """Move the session's clocks back, as if time had passed without a request."""
    session = client.session
    for key, ago in seconds_ago.items():
        session[key] = int(time.time()) - ago
    session.save()


# --- the personnel office signs in with a one-time code ---


def test_personnel_export_without_the_one_time_code_is_refused(client):
    client.force_login(personnel_officer())
    response = client.get("/worktime/export/?format=csv")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/otp/")


def test_personnel_export_after_the_one_time_code_works(client_for):
    response = client_for(personnel_officer()).get("/worktime/export/?format=csv")
    assert response.status_code == 200


# --- asking again before changing how a person signs in ---


@pytest.fixture
def stale_manager(client_for, manager_user):
    """A manager's verified session, signed in long ago and left open."""
    manager_user.set_password(PASSWORD)
    manager_user.save()
    client = client_for(manager_user)
    session = client.session
    del session[REAUTHENTICATED_AT_KEY]
    session.save()
    return client, manager_user


def test_reenrolling_the_authenticator_without_the_password_is_refused(stale_manager):
    client, manager = stale_manager
    response = client.get("/accounts/otp/enrol/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/confirm/")
    assert TOTPDevice.objects.filter(user=manager).count() == 1


def test_new_backup_codes_without_the_password_are_refused(stale_manager):
    client, manager = stale_manager
    old = regenerate_backup_codes(user=manager)
    response = client.post("/accounts/otp/backup-codes/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/confirm/")
    assert sorted(StaticToken.objects.values_list("token", flat=True)) == sorted(old)


def test_wrong_password_does_not_confirm(stale_manager):
    client, _manager = stale_manager
    response = client.post("/accounts/confirm/", {"password": "not-my-password"})
    assert response.status_code == 200
    assert "password" in response.content.decode() or "비밀번호" in response.content.decode()
    assert client.post("/accounts/otp/backup-codes/").status_code == 302


def test_password_confirms_and_then_new_backup_codes_are_made(stale_manager):
    client, manager = stale_manager
    confirmed = client.post(
        "/accounts/confirm/", {"password": PASSWORD, "next": "/accounts/settings/"}
    )
    assert confirmed.status_code == 302 and confirmed["Location"] == "/accounts/settings/"
    response = client.post("/accounts/otp/backup-codes/")
    assert response.status_code == 200
    assert StaticToken.objects.filter(device__user=manager).count() == 10


def test_current_code_confirms_and_then_reenrolling_is_allowed(stale_manager):
    client, manager = stale_manager
    device = manager.totpdevice_set.get()
    code = totp_code(device)
    confirmed = client.post(
        "/accounts/confirm/", {"otp_token": code, "next": "/accounts/otp/enrol/"}
    )
    assert confirmed.status_code == 302
    assert client.get("/accounts/otp/enrol/").status_code == 200


# --- passwords ---


def test_eight_character_password_is_refused_in_the_admin(client_for, admin_user):
    person = UserFactory(role=roles.STAFF)
    before = person.password
    response = client_for(admin_user).post(
        f"/admin/accounts/user/{person.pk}/password/",
        {"password1": "kq7#xw2m", "password2": "kq7#xw2m", "usable_password": "true"},
    )
    assert response.status_code == 200
    assert "10" in response.content.decode()
    person.refresh_from_db()
    assert person.password == before


def test_ten_character_password_is_accepted_in_the_admin(client_for, admin_user):
    person = UserFactory(role=roles.STAFF)
    response = client_for(admin_user).post(
        f"/admin/accounts/user/{person.pk}/password/",
        {"password1": "kq7#xw2m-p4", "password2": "kq7#xw2m-p4", "usable_password": "true"},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password("kq7#xw2m-p4")


def test_demo_password_passes_the_validators(settings):
    validate_password(settings.DEMO_PASSWORD, UserFactory(username="staff001"))


def test_common_and_numeric_passwords_are_refused():
    for password in ("password1234", "4815162342"):
        with pytest.raises(ValidationError):
            validate_password(password, UserFactory())


# --- idle sessions ---


def test_idle_session_is_signed_out_after_the_timeout(client_for, staff_user, settings):
    client = client_for(staff_user)
    assert client.get("/").status_code == 200
    shift_session(client, **{LAST_ACTIVITY_KEY: settings.SESSION_IDLE_TIMEOUT_MINUTES * 60 + 5})
    response = client.get("/", follow=True)
    assert response.redirect_chain[0][0].startswith("/accounts/login/")
    page = response.content.decode()
    assert "without activity" in page or "활동이 없어" in page
    assert client.get("/").status_code == 302


def test_a_one_time_code_role_goes_idle_sooner(client_for, manager_user, staff_user, settings):
    ago = settings.SESSION_IDLE_TIMEOUT_OTP_MINUTES * 60 + 5
    assert ago < settings.SESSION_IDLE_TIMEOUT_MINUTES * 60
    manager = client_for(manager_user)
    manager.get("/")
    shift_session(manager, **{LAST_ACTIVITY_KEY: ago})
    assert manager.get("/")["Location"].startswith("/accounts/login/")

    staff = verified_client(Client(), staff_user)
    staff.get("/")
    shift_session(staff, **{LAST_ACTIVITY_KEY: ago})
    assert staff.get("/").status_code == 200


def test_recent_activity_keeps_the_session(client_for, staff_user, settings):
    client = client_for(staff_user)
    client.get("/")
    shift_session(client, **{LAST_ACTIVITY_KEY: settings.SESSION_IDLE_TIMEOUT_MINUTES * 60 - 60})
    assert client.get("/").status_code == 200
    # ...and that request counts as activity.
    assert time.time() - client.session[LAST_ACTIVITY_KEY] < 5


def test_idle_api_session_answers_401(client_for, staff_user, settings):
    client = client_for(staff_user)
    client.get("/api/v1/me/")
    shift_session(client, **{LAST_ACTIVITY_KEY: settings.SESSION_IDLE_TIMEOUT_MINUTES * 60 + 5})
    response = client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["detail"]


def test_session_past_its_lifetime_is_signed_out_even_when_busy(client_for, staff_user, settings):
    client = client_for(staff_user)
    client.get("/")
    shift_session(
        client, **{SIGNED_IN_AT_KEY: settings.SESSION_COOKIE_AGE + 5, LAST_ACTIVITY_KEY: 0}
    )
    assert client.get("/")["Location"].startswith("/accounts/login/")


# --- the API's map ---


def test_anonymous_cannot_read_the_api_schema(client):
    assert client.get("/api/schema/").status_code in (401, 403)


def test_anonymous_is_sent_to_sign_in_for_the_api_docs(client):
    response = client.get("/api/docs/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_idle_htmx_request_sends_the_whole_page_to_sign_in(client_for, staff_user, settings):
    client = client_for(staff_user)
    client.get("/")
    shift_session(client, **{LAST_ACTIVITY_KEY: settings.SESSION_IDLE_TIMEOUT_MINUTES * 60 + 5})
    response = client.get("/accounts/notifications/", HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == "/accounts/login/"
