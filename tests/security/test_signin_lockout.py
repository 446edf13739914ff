"""Wrong passwords lock that account; one address's failures are capped without locking others."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.db.models import F
from django.test import Client
from django.utils import timezone

from accounts import roles
from tests.conftest import verified_client
from tests.factories import UserFactory
from tests.security.limits import (  # noqa: F401
    OFFICE,
    cache_down,
    fresh_rate_limits,
    through_proxy,
)

PASSWORD = "correct-horse-battery"
LOGIN = "/accounts/login/"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def behind_one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}


def sign_in(client, username, password=PASSWORD, *, address=OFFICE, forged=""):
    return client.post(
        LOGIN,
        {"username": username, "password": password},
        HTTP_ACCEPT_LANGUAGE="en",
        **through_proxy(address, forged),
    )


def is_signed_in(client) -> bool:
    return client.get("/").status_code == 200


def test_wrong_passwords_for_one_account_do_not_stop_a_colleague_at_the_same_address():
    staff003, staff004 = UserFactory(role=roles.STAFF), UserFactory(role=roles.STAFF)
    for _ in range(6):
        sign_in(Client(), staff003.username, "wrong")
    colleague = Client()
    assert sign_in(colleague, staff004.username).status_code == 302
    assert is_signed_in(colleague)


def test_a_locked_account_is_told_for_how_long_and_whom_to_ask_on_the_sign_in_page():
    staff003 = UserFactory(role=roles.STAFF)
    client = Client()
    statuses = [sign_in(client, staff003.username, "wrong").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    response = sign_in(client, staff003.username)
    assert response.status_code == 429
    page = response.content.decode()
    assert "This account is locked for 15 minutes" in page
    assert "ask the IT team (정보통신팀)" in page
    assert 'name="password"' in page  # the sign-in form itself, ready for later
    assert not is_signed_in(client)


def test_a_locked_account_stays_locked_from_any_other_address():
    staff003 = UserFactory(role=roles.STAFF)
    for _ in range(5):
        sign_in(Client(), staff003.username, "wrong")
    elsewhere = Client()
    assert sign_in(elsewhere, staff003.username, address="198.51.100.9").status_code == 429
    assert sign_in(elsewhere, staff003.username, forged="198.51.100.9").status_code == 429
    assert not is_signed_in(elsewhere)


def test_tries_during_the_lock_do_not_make_it_longer():
    staff003 = UserFactory(role=roles.STAFF)
    for _ in range(5):
        sign_in(Client(), staff003.username, "wrong")
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=14))
    assert sign_in(Client(), staff003.username, "wrong-again").status_code == 429
    # A minute later than that: fifteen minutes after the fifth failure, not after the retry.
    AccessAttempt.objects.update(
        attempt_time=F("attempt_time") - datetime.timedelta(minutes=1, seconds=1)
    )
    client = Client()
    assert sign_in(client, staff003.username).status_code == 302
    assert is_signed_in(client)


def test_an_admin_unlocks_a_locked_account_from_the_people_list(admin_user):
    staff003 = UserFactory(role=roles.STAFF)
    for _ in range(5):
        sign_in(Client(), staff003.username, "wrong")
    admin = verified_client(Client(), admin_user)
    response = admin.post(
        "/admin/accounts/user/",
        {"action": "unlock_sign_in", "_selected_action": [staff003.pk]},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )
    assert "Sign-in was unlocked for 1 people." in response.content.decode()
    client = Client()
    assert sign_in(client, staff003.username).status_code == 302
    assert is_signed_in(client)


def test_spraying_many_accounts_from_one_address_hits_the_address_limit(settings):
    settings.SIGNIN_ADDRESS_FAILURE_LIMIT = 10
    people = [UserFactory(role=roles.STAFF) for _ in range(12)]
    attacker = Client()
    statuses = [
        sign_in(attacker, person.username, "Password1!", forged=f"6.6.6.{n}").status_code
        for n, person in enumerate(people[:11])
    ]
    assert statuses[:10] == [200] * 10
    assert statuses[10] == 429
    # Even the right password is not tried for a browser that never signed in from here.
    response = sign_in(attacker, people[11].username)
    assert response.status_code == 429
    assert "Too many failed sign-ins came from your network" in response.content.decode()
    assert not is_signed_in(attacker)


def test_the_address_limit_locks_none_of_the_sprayed_accounts(settings):
    settings.SIGNIN_ADDRESS_FAILURE_LIMIT = 3
    people = [UserFactory(role=roles.STAFF) for _ in range(3)]
    target = UserFactory(role=roles.STAFF)
    for person in people:
        sign_in(Client(), person.username, "Password1!")
    for _ in range(10):
        assert sign_in(Client(), target.username, "Password1!").status_code == 429
    assert not AccessAttempt.objects.filter(username=target.username).exists()
    at_home = Client()
    assert sign_in(at_home, target.username, address="198.51.100.20").status_code == 302
    assert is_signed_in(at_home)


def test_a_browser_that_signed_in_here_before_still_signs_in_past_the_address_limit(settings):
    settings.SIGNIN_ADDRESS_FAILURE_LIMIT = 3
    staff004 = UserFactory(role=roles.STAFF)
    own_browser = Client()
    sign_in(own_browser, staff004.username)
    own_browser.post("/accounts/logout/")
    for person in [UserFactory(role=roles.STAFF) for _ in range(3)]:
        sign_in(Client(), person.username, "Password1!")
    assert sign_in(Client(), staff004.username).status_code == 429
    assert sign_in(own_browser, staff004.username).status_code == 302
    assert is_signed_in(own_browser)


@pytest.mark.usefixtures("cache_down")
def test_staff_sign_in_while_the_cache_is_down():
    staff004 = UserFactory(role=roles.STAFF)
    sign_in(Client(), staff004.username, "wrong")
    client = Client()
    assert sign_in(client, staff004.username).status_code == 302
    assert is_signed_in(client)


def test_the_locked_sentence_says_the_minutes_that_are_left():
    staff003 = UserFactory(role=roles.STAFF)
    for _ in range(5):
        sign_in(Client(), staff003.username, "wrong")
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - datetime.timedelta(minutes=10))
    page = sign_in(Client(), staff003.username).content.decode()
    assert "This account is locked for 5 minutes" in page


def test_failures_at_the_admin_sign_in_count_toward_the_same_address_limit(settings):
    settings.SIGNIN_ADDRESS_FAILURE_LIMIT = 3
    attacker = Client()
    for person in [UserFactory(role=roles.ADMIN, is_staff=True) for _ in range(3)]:
        attacker.post(
            "/admin/login/",
            {"username": person.username, "password": "Password1!", "otp_token": "123456"},
            **through_proxy(OFFICE),
        )
    staff004 = UserFactory(role=roles.STAFF)
    assert sign_in(Client(), staff004.username).status_code == 429
