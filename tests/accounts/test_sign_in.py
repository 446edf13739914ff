"""Sign-in: passwords, the OTP step for the roles that need it, enrolment, backup codes, lockout."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import roles
from tests.conftest import totp_code
from tests.factories import UserFactory

PASSWORD = "correct-horse-battery"
LOGIN = "/accounts/login/"


def sign_in(client, user, password=PASSWORD):
    return client.post(LOGIN, {"username": user.username, "password": password})


@pytest.mark.django_db
def test_staff_signs_in_with_password_only(client, staff_user):
    response = sign_in(client, staff_user)
    assert response.status_code == 302
    assert client.get("/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("role", [roles.MANAGER, roles.HEALTH, roles.ADMIN])
def test_roles_handling_others_data_must_pass_the_otp_step(client, role):
    user = UserFactory(role=role)
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    sign_in(client, user)
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:otp_verify"))


@pytest.mark.django_db
def test_manager_with_a_valid_code_reaches_home(client, manager_user):
    sign_in(client, manager_user)
    device = manager_user.totpdevice_set.get()
    response = client.post(
        reverse("accounts:otp_verify"), {"otp_token": totp_code(device), "next": "/"}
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_wrong_code_is_refused_with_a_message(client, manager_user):
    sign_in(client, manager_user)
    response = client.post(reverse("accounts:otp_verify"), {"otp_token": "000000"})
    assert response.status_code == 200
    assert "otp_token" in response.context["form"].errors
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_manager_without_a_device_is_sent_to_enrolment_and_gets_backup_codes(client):
    user = UserFactory(role=roles.MANAGER)
    sign_in(client, user)
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:otp_enrol"))
    assert b"<svg" in response.content  # the QR code is drawn by the server
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(reverse("accounts:otp_enrol"), {"otp_token": totp_code(device)})
    assert response.status_code == 200
    assert len(response.context["codes"]) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_a_backup_code_signs_in_once(client, manager_user):
    from accounts.services import regenerate_backup_codes

    code = regenerate_backup_codes(user=manager_user)[0]
    sign_in(client, manager_user)
    assert client.post(reverse("accounts:otp_verify"), {"otp_token": code}).status_code == 302
    assert not StaticToken.objects.filter(token=code).exists()


@pytest.mark.django_db
def test_admin_reset_makes_the_person_enrol_again(client, manager_user):
    from accounts.services import reset_two_factor

    reset_two_factor(user=manager_user)
    sign_in(client, manager_user)
    assert client.get("/").url.startswith(reverse("accounts:otp_enrol"))


@pytest.mark.django_db
def test_five_wrong_passwords_lock_the_username_even_for_the_right_one(client, staff_user):
    for _ in range(5):
        sign_in(client, staff_user, password="wrong")
    response = sign_in(client, staff_user)
    assert response.status_code == 429
    assert response.get("Location") != "/"
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_sign_in_form_fields_tell_phones_what_to_fill_in(client, manager_user):
    page = client.get(LOGIN).content.decode()
    assert 'autocomplete="username"' in page
    assert 'autocomplete="current-password"' in page
    sign_in(client, manager_user)
    assert (
        'autocomplete="one-time-code"'
        in client.get(reverse("accounts:otp_verify")).content.decode()
    )


@pytest.mark.django_db
def test_admin_site_needs_an_otp_verified_session(client, admin_user):
    sign_in(client, admin_user)
    assert client.get("/admin/").status_code == 302
    device = admin_user.totpdevice_set.get()
    client.post(reverse("accounts:otp_verify"), {"otp_token": totp_code(device)})
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_admin_site_refuses_staff_without_admin_rights(client_for, staff_user):
    response = client_for(staff_user).get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response.url
