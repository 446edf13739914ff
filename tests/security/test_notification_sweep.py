"""One bad subscription, address or title never stops the notification sweep; nothing internal is called.

The sweep runs for real against local receivers: an https one standing for a push service
(allowed by the test's settings, trusted through its own certificate) and a plain one standing
for an internal address that must never be called.
"""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Notification, PushSubscription
from accounts.notifications import MAX_DELIVERY_ATTEMPTS
from accounts.tasks import deliver_notification, deliver_pending_notifications
from tests.conftest import free_port
from tests.factories import UserFactory

from .push_receivers import Browser, Receiver, self_signed_certificate, vapid_private_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def push_service(tmp_path, settings, monkeypatch):
    certificate = self_signed_certificate(tmp_path)
    receiver = Receiver(certificate=certificate)
    settings.WEBPUSH_ALLOWED_HOSTS = [f"localhost:{receiver.port}"]
    settings.VAPID_PRIVATE_KEY = vapid_private_key()
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(certificate[0]))
    monkeypatch.setenv("NO_PROXY", "localhost,127.0.0.1")
    yield receiver
    receiver.close()


@pytest.fixture
def internal_host():
    receiver = Receiver()
    yield receiver
    receiver.close()


def pending(user, title: str) -> Notification:
    """A notification the request could not hand to the broker, old enough for the sweep."""
    notification = Notification.objects.create(recipient=user, title=title, url="/approvals/")
    Notification.objects.filter(pk=notification.pk).update(
        created_at=timezone.now() - timedelta(minutes=5)
    )
    return notification


def subscribe(user, endpoint: str, browser: Browser, **keys) -> PushSubscription:
    """A subscription row as it could have been stored before the checks existed."""
    return PushSubscription.objects.create(
        user=user,
        endpoint=endpoint,
        p256dh=keys.get("p256dh", browser.p256dh),
        auth=keys.get("auth", browser.auth_b64),
    )


def fresh(notification: Notification) -> Notification:
    return Notification.objects.get(pk=notification.pk)


def test_one_malformed_push_subscription_does_not_stop_the_sweep(push_service, caplog):
    alice, bob = UserFactory(notify_email=False), UserFactory(notify_email=False)
    endpoint = f"https://localhost:{push_service.port}/push"
    broken = subscribe(alice, f"{endpoint}/alice", Browser(), p256dh="not-a-key")
    bobs_browser = Browser()
    subscribe(bob, f"{endpoint}/bob", bobs_browser)
    for_alice, for_bob = pending(alice, "연가 신청 승인"), pending(bob, "결재 요청: 출장")

    assert deliver_pending_notifications() == 2

    assert [request["path"] for request in push_service.requests] == ["/push/bob"]
    payload = json.loads(bobs_browser.read(push_service.requests[0]["body"]))
    assert payload["title"] == "결재 요청: 출장"
    assert fresh(for_bob).delivered_at is not None and fresh(for_bob).delivery_error == ""
    assert fresh(for_alice).delivered_at is not None
    assert "push" in fresh(for_alice).delivery_error
    assert not PushSubscription.objects.filter(pk=broken.pk).exists()
    assert "not-a-key" not in caplog.text and "연가" not in caplog.text


def test_the_delivery_task_mails_and_records_despite_a_malformed_subscription(
    push_service, mailoutbox
):
    person = UserFactory()
    subscribe(person, f"https://localhost:{push_service.port}/p", Browser(), auth="AAAA")
    notification = pending(person, "반려: 출장 신청")

    assert deliver_notification(notification.pk) is True

    assert [mail.subject for mail in mailoutbox] == ["반려: 출장 신청"]
    assert push_service.requests == []
    assert "push" in fresh(notification).delivery_error
    assert not PushSubscription.objects.filter(user=person).exists()


def test_the_worker_never_calls_an_internal_address_stored_before_the_checks(
    push_service, internal_host
):
    person = UserFactory(notify_email=False)
    subscription = subscribe(person, f"http://127.0.0.1:{internal_host.port}/", Browser())
    notification = pending(person, "결재 요청")

    deliver_pending_notifications()

    assert internal_host.requests == []
    assert not PushSubscription.objects.filter(pk=subscription.pk).exists()
    assert fresh(notification).delivered_at is not None
    assert "refused" in fresh(notification).delivery_error


def test_a_push_service_cannot_redirect_the_worker_to_an_internal_address(
    push_service, internal_host
):
    push_service.status = 307
    push_service.headers = {"Location": f"http://127.0.0.1:{internal_host.port}/"}
    person = UserFactory(notify_email=False)
    subscribe(person, f"https://localhost:{push_service.port}/p", Browser())
    notification = pending(person, "결재 요청")

    deliver_pending_notifications()

    assert len(push_service.requests) == 1
    assert internal_host.requests == []
    assert fresh(notification).delivered_at is not None
    assert fresh(notification).delivery_error != ""


def test_a_line_break_in_a_title_is_mailed_as_one_line_and_the_sweep_goes_on(mailoutbox, caplog):
    dave, erin = UserFactory(), UserFactory()
    for_dave = pending(dave, "연가 신청\r\nBcc: everyone@example.org\n\t(3일)")
    for_erin = pending(erin, "결재 요청")

    assert deliver_pending_notifications() == 2

    subjects = {mail.to[0]: mail.subject for mail in mailoutbox}
    assert subjects == {
        dave.email: "연가 신청 Bcc: everyone@example.org (3일)",
        erin.email: "결재 요청",
    }
    assert fresh(for_dave).delivered_at is not None and fresh(for_erin).delivered_at is not None
    assert dave.email not in caplog.text


def test_an_unreachable_mail_server_is_tried_by_later_sweeps_then_given_up(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    mailed, unmailed = UserFactory(), UserFactory(notify_email=False)
    for_mailed, for_unmailed = pending(mailed, "결재 요청"), pending(unmailed, "결재 요청")

    assert deliver_pending_notifications() == 1

    assert fresh(for_unmailed).delivered_at is not None
    waiting = fresh(for_mailed)
    assert waiting.delivered_at is None and waiting.delivery_attempts == 1
    assert waiting.delivery_error == "e-mail: ConnectionRefusedError"
    for _sweep in range(MAX_DELIVERY_ATTEMPTS - 1):
        deliver_pending_notifications()
    given_up = fresh(for_mailed)
    assert given_up.delivered_at is not None
    assert given_up.delivery_attempts == MAX_DELIVERY_ATTEMPTS
    assert given_up.delivery_error == "e-mail: ConnectionRefusedError"
