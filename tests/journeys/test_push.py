"""Web push end to end in Chromium: the settings page subscribes, a waiting approval's
notification is encrypted to that subscription and posted to the push service, and the site's
service worker shows it; the page unsubscribes again.

What Chromium cannot do here, precisely: headless, `pushManager.subscribe()` rejects with
"AbortError: Registration failed - permission denied" even with the notifications and push
permissions granted through CDP (Browser.setPermission), and a headed Chromium registers with
Google's push service (FCM), which a test without the internet cannot reach. So, before the
page's script runs, the push manager is replaced by one that hands out a subscription whose
endpoint is a local https receiver standing in for the push service and whose keys the test
holds. Everything else is real: static/js/push.js, the subscribe and unsubscribe endpoints with
their checks, the notification outbox, the worker's encryption and POST (pywebpush) to the
receiver, its decryption with the subscription's keys, and the site's service worker showing
the decrypted message, delivered to it through CDP (ServiceWorker.deliverPushMessage).
"""

import base64
import json

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from accounts.models import Notification, PushSubscription
from accounts.notifications import deliver
from tests.approvals.factories import general_document, make_org
from tests.conftest import wait_for
from tests.rpa.test_sending import point_broker_at
from tests.security.push_receivers import Browser, Receiver, self_signed_certificate

from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FAKE_PUSH_MANAGER = """
(() => {
  const state = window.__push = {subscription: null, key: null};
  const subscription = {
    endpoint: %(endpoint)s,
    toJSON() { return {endpoint: this.endpoint, expirationTime: null, keys: %(keys)s}; },
    unsubscribe() { state.subscription = null; return Promise.resolve(true); }
  };
  PushManager.prototype.subscribe = function (options) {
    state.key = Array.from(new Uint8Array(options.applicationServerKey));
    state.subscription = subscription;
    return Promise.resolve(subscription);
  };
  PushManager.prototype.getSubscription = function () { return Promise.resolve(state.subscription); };
})();
"""


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def vapid_keys() -> tuple[str, str, bytes]:
    """The private key as the settings hold it, the public key as the page gets it, its bytes."""
    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return b64url(key.private_numbers().private_value.to_bytes(32, "big")), b64url(public), public


@pytest.fixture
def push_service(tmp_path, settings, monkeypatch):
    receiver = Receiver(certificate=self_signed_certificate(tmp_path))
    settings.WEBPUSH_ALLOWED_HOSTS = [f"localhost:{receiver.port}"]
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tmp_path / "receiver.pem"))
    monkeypatch.setenv("NO_PROXY", "localhost,127.0.0.1")
    yield receiver
    receiver.close()


def watch_registrations(page) -> list[dict]:
    """The page's service worker registrations, as CDP reports them from now on."""
    cdp = page.context.new_cdp_session(page)
    registrations: list[dict] = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.extend(event["registrations"]),
    )
    cdp.send("ServiceWorker.enable")
    return cdp, registrations


def registration_id(page, registrations: list[dict]) -> str:
    """The newest live registration: CDP reports each one again when it changes or goes."""

    def found():
        page.wait_for_timeout(100)  # Playwright hands over CDP events only while it runs
        latest = {r["registrationId"]: r for r in registrations}
        live = [key for key, r in latest.items() if not r["isDeleted"]]
        return live[-1] if live else None

    return wait_for(found, what="the service worker's registration")


SHOWN = """() => navigator.serviceWorker.ready
    .then(r => r.getNotifications())
    .then(ns => ns.map(n => ({title: n.title, body: n.body, url: n.data.url})))"""


def push_until_shown(page, cdp, registrations, origin: str, payload: dict) -> list[dict]:
    """Deliver the push message to the service worker until it shows the notification.

    Chromium drops a message delivered while the worker is still starting or being replaced, as
    a push service would retry it; so does this, every two seconds for up to twenty.
    """

    def shown():
        cdp.send(
            "ServiceWorker.deliverPushMessage",
            {
                "origin": origin,
                "registrationId": registration_id(page, registrations),
                "data": json.dumps(payload),
            },
        )
        try:
            return wait_for(lambda: page.evaluate(SHOWN), timeout=2.0, what="shown")
        except AssertionError:
            return None

    return wait_for(shown, timeout=20.0, interval=0, what="the notification shown")


def test_a_waiting_approval_reaches_the_browser_subscribed_from_the_settings_page(
    browser, live_server, watch, push_service, settings
):
    private_key, public_key, public_bytes = vapid_keys()
    settings.VAPID_PRIVATE_KEY, settings.VAPID_PUBLIC_KEY = private_key, public_key
    org = make_org()
    approver = org.lead
    keys = Browser()
    endpoint = f"https://localhost:{push_service.port}/push/approver"
    context = browser.new_context(locale="ko-KR", viewport={"width": 390, "height": 844})
    context.grant_permissions(["notifications"], origin=live_server.url)
    context.add_init_script(
        FAKE_PUSH_MANAGER
        % {
            "endpoint": json.dumps(endpoint),
            "keys": json.dumps({"p256dh": keys.p256dh, "auth": keys.auth_b64}),
        }
    )
    page = watch(context.new_page())
    page.set_default_timeout(15000)
    cdp, registrations = watch_registrations(page)
    try:
        sign_in(page, live_server.url, approver, next_path="/accounts/settings/")
        toggle = page.locator("#push-toggle")
        wait_for(toggle.is_enabled, what="the push button ready")
        assert toggle.inner_text() == "이 기기에서 푸시 알림 켜기"

        toggle.click()

        status = page.locator("#push-status")
        wait_for(lambda: status.inner_text() != "", what="the page's answer")
        assert status.inner_text() == "이 브라우저에서 푸시 알림을 받습니다."
        assert toggle.inner_text() == "이 기기에서 푸시 알림 끄기"
        assert page.evaluate("window.__push.key") == list(public_bytes)
        stored = PushSubscription.objects.get(user=approver)
        assert (stored.endpoint, stored.p256dh, stored.auth) == (
            endpoint,
            keys.p256dh,
            keys.auth_b64,
        )

        # The applicant submits; the approver's notification waits in the outbox (no broker
        # here, so no other worker races this one) and the worker's delivery sends it.
        from config.celery import app

        original = app.conf.broker_url
        point_broker_at(app, "redis://127.0.0.1:1/0")
        try:
            document = general_document(org, title="복사기 구입 건")
        finally:
            point_broker_at(app, original)
        notification = Notification.objects.get(recipient=approver)
        assert deliver(notification.pk) is True

        assert [r["path"] for r in push_service.requests] == ["/push/approver"]
        payload = json.loads(keys.read(push_service.requests[0]["body"]))
        assert "복사기 구입 건" in payload["title"]
        assert payload["url"] == f"/approvals/{document.pk}/"

        shown = push_until_shown(page, cdp, registrations, live_server.url, payload)
        # A click opens this address (sw.js's notificationclick); a headless browser cannot
        # click a system notification, so the address it carries is what is checked.
        assert shown == [
            {"title": payload["title"], "body": payload["body"], "url": payload["url"]}
        ]

        toggle.click()
        wait_for(lambda: status.inner_text() == "이 브라우저에서 푸시 알림을 받지 않습니다.")
        assert not PushSubscription.objects.filter(user=approver).exists()
        assert page.evaluate("window.__push.subscription") is None
    finally:
        context.close()
