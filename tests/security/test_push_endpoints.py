"""A push subscription holds only an https address of a known push service and well-formed keys.

The worker POSTs to whatever address a subscription holds: an internal one (Redis on
127.0.0.1:6379, a host on the office network) would make the server attack itself.
"""

import base64
import json
import secrets

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from accounts import push
from accounts.models import PushSubscription

pytestmark = pytest.mark.django_db

DEFAULT_HOSTS = [
    "fcm.googleapis.com",
    "updates.push.services.mozilla.com",
    "*.notify.windows.com",
    "web.push.apple.com",
]


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def browser_keys() -> dict:
    """The keys a browser sends with its subscription: a P-256 public key and 16 secret bytes."""
    public = ec.generate_private_key(ec.SECP256R1()).public_key()
    point = public.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return {"p256dh": b64url(point), "auth": b64url(secrets.token_bytes(16))}


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://fcm.googleapis.com/fcm/send/dQw4w9WgXcQ:APA91bH",
        "https://updates.push.services.mozilla.com/wpush/v2/gAAAAABk",
        "https://wns2-par02p.notify.windows.com/w/?token=BQYAAAB",
        "https://web.push.apple.com/QGuQyavXutnMTU",
        "https://FCM.googleapis.com:443/fcm/send/abc",
    ],
)
def test_the_known_push_services_are_accepted(endpoint):
    assert push.endpoint_problem(endpoint, DEFAULT_HOSTS) is None


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://127.0.0.1:6379/",
        "https://127.0.0.1/",
        "https://localhost/push",
        "http://fcm.googleapis.com/fcm/send/abc",
        "https://fcm.googleapis.com.attacker.example/fcm/send/abc",
        "https://evilfcm.googleapis.com/fcm/send/abc",
        "https://googleapis.com/fcm/send/abc",
        "https://notify.windows.com/w/",
        "https://evilnotify.windows.com/w/",
        "https://notify.windows.com.attacker.example/w/",
        "https://fcm.googleapis.com@127.0.0.1/",
        "https://user:pass@fcm.googleapis.com/fcm/send/abc",
        "https://fcm.googleapis.com:6379/",
        "https://fcm.googleapis.com:notaport/",
        "https://fcm.googleapis.com./fcm/send/abc",
        "https://fcm.googleapis.com\\@127.0.0.1/",
        "https://fcm.googleapis.com/fcm/send/abc\r\nX-Injected: 1",
        "https:///fcm/send/abc",
        "gopher://127.0.0.1:6379/_FLUSHALL",
        "",
        "https://fcm.googleapis.com/" + "a" * 500,
    ],
)
def test_other_addresses_are_refused(endpoint):
    assert push.endpoint_problem(endpoint, DEFAULT_HOSTS) is not None


def test_a_test_receiver_on_its_own_port_needs_that_port_in_the_list():
    assert push.endpoint_problem("https://localhost:8443/p", ["localhost:8443"]) is None
    assert push.endpoint_problem("https://localhost:8444/p", ["localhost:8443"]) is not None
    assert push.endpoint_problem("https://localhost/p", ["localhost:8443"]) is not None


def test_a_browsers_keys_are_accepted():
    keys = browser_keys()
    assert push.keys_problem(keys["p256dh"], keys["auth"]) is None


@pytest.mark.parametrize(
    "p256dh",
    [
        "",
        "not-a-key",
        b64url(b"\x04" + b"\x00" * 64),  # 65 bytes but not a point of the curve
        b64url(b"\x04" + secrets.token_bytes(63)),  # 64 bytes
        b64url(b"\x02" + secrets.token_bytes(32)),  # compressed: browsers send uncompressed
    ],
)
def test_a_public_key_that_is_not_a_p256_point_is_refused(p256dh):
    assert push.keys_problem(p256dh, browser_keys()["auth"]) is not None


def test_keys_in_standard_base64_or_with_stray_characters_are_refused():
    keys = browser_keys()
    point = base64.urlsafe_b64decode(keys["p256dh"] + "=")
    standard = base64.b64encode(point).decode()
    if "+" not in standard and "/" not in standard:
        standard = standard[:-2] + "+/"
    assert push.keys_problem(standard, keys["auth"]) is not None
    assert push.keys_problem(keys["p256dh"], keys["auth"][:8] + " " + keys["auth"][8:]) is not None


@pytest.mark.parametrize("size", [0, 15, 17, 32])
def test_an_auth_secret_of_other_than_16_bytes_is_refused(size):
    assert (
        push.keys_problem(browser_keys()["p256dh"], b64url(secrets.token_bytes(size))) is not None
    )


def subscribe(client, endpoint, keys):
    return client.post(
        "/accounts/push/subscribe/",
        json.dumps({"endpoint": endpoint, "keys": keys}),
        content_type="application/json",
    )


def test_subscribing_an_internal_address_answers_400_and_stores_nothing(client_for, staff_user):
    response = subscribe(client_for(staff_user), "http://127.0.0.1:6379/", browser_keys())
    assert response.status_code == 400
    assert response.content.decode() == push.endpoint_problem("http://127.0.0.1:6379/", [])
    assert not PushSubscription.objects.exists()


def test_subscribing_with_a_malformed_key_answers_400_and_stores_nothing(client_for, staff_user):
    keys = {**browser_keys(), "p256dh": "AAAA"}
    response = subscribe(client_for(staff_user), "https://fcm.googleapis.com/fcm/send/abc", keys)
    assert response.status_code == 400
    assert response.content.decode() == push.keys_problem("AAAA", keys["auth"])
    assert not PushSubscription.objects.exists()


def test_subscribing_with_keys_that_are_not_text_answers_400(client_for, staff_user):
    keys = {"p256dh": 12345, "auth": ["x"]}
    response = subscribe(client_for(staff_user), "https://fcm.googleapis.com/fcm/send/abc", keys)
    assert response.status_code == 400
    assert not PushSubscription.objects.exists()


def test_a_browsers_subscription_to_a_known_push_service_is_stored(client_for, staff_user):
    endpoint = "https://updates.push.services.mozilla.com/wpush/v2/gAAAAABk"
    response = subscribe(client_for(staff_user), endpoint, browser_keys())
    assert response.status_code == 201
    assert PushSubscription.objects.get(user=staff_user).endpoint == endpoint
