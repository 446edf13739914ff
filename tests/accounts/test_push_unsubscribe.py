"""The settings page takes a browser's push subscription back: only the person's own."""

import json

import pytest

from accounts.models import PushSubscription
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/accounts/push/unsubscribe/"
ENDPOINT = "https://fcm.googleapis.com/fcm/send/abc"


def subscription(user, endpoint=ENDPOINT) -> PushSubscription:
    return PushSubscription.objects.create(user=user, endpoint=endpoint, p256dh="k", auth="a")


def test_a_person_turns_push_off_for_this_browser(client):
    person = UserFactory()
    subscription(person)
    other_browser = subscription(person, endpoint=f"{ENDPOINT}-phone")
    client.force_login(person)

    response = client.post(URL, json.dumps({"endpoint": ENDPOINT}), content_type="application/json")

    assert response.status_code == 200
    assert list(PushSubscription.objects.filter(user=person)) == [other_browser]


def test_nobody_can_turn_off_someone_elses_push(client):
    owner, intruder = UserFactory(), UserFactory()
    subscription(owner)
    client.force_login(intruder)
    client.post(URL, json.dumps({"endpoint": ENDPOINT}), content_type="application/json")
    assert PushSubscription.objects.filter(user=owner).exists()


def test_a_body_without_an_endpoint_is_refused_in_one_sentence(client):
    client.force_login(UserFactory())
    response = client.post(URL, "{}", content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "push subscription as JSON" in response.content.decode()


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.post(URL, json.dumps({"endpoint": ENDPOINT}), content_type="application/json")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
