"""Web push: which subscriptions may be stored and called, and sending one message to them.

A subscription's endpoint is an address the worker POSTs to. Left open, any signed-in person
could make the server call an internal address (Redis on 127.0.0.1:6379, a host on the office
network), so only https addresses of the known push services (`WEBPUSH_ALLOWED_HOSTS`) are
stored, and each is checked again before it is called.
"""

import base64
import binascii
import json
import logging
import re
from urllib.parse import urlsplit

import requests
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.utils.translation import gettext as _
from pywebpush import WebPushException, webpush

from .models import PushSubscription, User

logger = logging.getLogger(__name__)

# PushSubscription.endpoint's column.
MAX_ENDPOINT_LENGTH = 500
# Printable ASCII without spaces or backslashes: a browser's endpoint never needs more, and
# URL parsers disagree about the rest (a backslash is a slash to some, part of the host to others).
_ENDPOINT_CHARACTERS = re.compile(r"[!-\[\]-~]+")
_BASE64URL = re.compile(r"[A-Za-z0-9_-]+={0,2}")
# RFC 8291: the browser's key is an uncompressed P-256 point, its secret 16 bytes.
P256_POINT_BYTES = 65
AUTH_SECRET_BYTES = 16
PUSH_TIMEOUT_SECONDS = 5


class InvalidSubscription(ValueError):
    """A subscription that may not be stored or called; `message` tells the person what to do."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


def _host_matches(host: str, port: int, entry: str) -> bool:
    """`entry` is a host name, `*.` before a domain for its subdomains, `:port` for another port."""
    name, _colon, entry_port = entry.strip().lower().partition(":")
    if port != (int(entry_port) if entry_port.isdigit() else 443):
        return False
    if name.startswith("*."):
        # At a label boundary: *.notify.windows.com takes a.notify.windows.com, not evilnotify.…
        return host.endswith(name[1:])
    return host == name


def endpoint_problem(endpoint: str, allowed_hosts: list[str]) -> str | None:
    """Why this endpoint may not be called, or None when it is a known push service's address."""
    refused = _(
        "Push notifications go only through the browser's own push service, "
        "and this address is not one: turn push notifications on again from this page."
    )
    if (
        not isinstance(endpoint, str)
        or len(endpoint) > MAX_ENDPOINT_LENGTH
        or not _ENDPOINT_CHARACTERS.fullmatch(endpoint)
    ):
        return refused
    try:
        parts = urlsplit(endpoint)
        port = parts.port or 443
    except ValueError:
        return refused
    host = parts.hostname or ""
    if parts.scheme != "https" or "@" in parts.netloc or "" in host.split("."):
        # No user part (fcm.googleapis.com@127.0.0.1), no empty label (a trailing dot).
        return refused
    if not any(_host_matches(host, port, entry) for entry in allowed_hosts):
        return refused
    return None


def _decode_base64url(value: str) -> bytes | None:
    if not isinstance(value, str) or not _BASE64URL.fullmatch(value):
        return None
    unpadded = value.rstrip("=")
    try:
        return base64.urlsafe_b64decode(unpadded + "=" * (-len(unpadded) % 4))
    except (binascii.Error, ValueError):
        return None


def keys_problem(p256dh: str, auth: str) -> str | None:
    """Why these keys cannot encrypt a message, or None when they are a browser's keys."""
    refused = _(
        "The push subscription's keys are not valid: "
        "turn push notifications off and on again in this browser."
    )
    point = _decode_base64url(p256dh)
    secret = _decode_base64url(auth)
    if point is None or len(point) != P256_POINT_BYTES or point[0] != 0x04:
        return refused
    if secret is None or len(secret) != AUTH_SECRET_BYTES:
        return refused
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except ValueError:
        return refused
    return None


def subscription_problem(*, endpoint: str, p256dh: str, auth: str) -> str | None:
    return endpoint_problem(endpoint, settings.WEBPUSH_ALLOWED_HOSTS) or keys_problem(p256dh, auth)


def subscribe(*, user: User, endpoint: str, p256dh: str, auth: str) -> PushSubscription:
    """Store this browser's subscription for the person. Raises InvalidSubscription."""
    problem = subscription_problem(endpoint=endpoint, p256dh=p256dh, auth=auth)
    if problem is not None:
        raise InvalidSubscription(problem)
    subscription, _created = PushSubscription.objects.update_or_create(
        endpoint=endpoint, defaults={"user": user, "p256dh": p256dh, "auth": auth}
    )
    return subscription


def unsubscribe(*, user: User, endpoint: str) -> int:
    """Forget this browser's subscription; only the person's own. Returns how many were removed."""
    deleted, _rows = PushSubscription.objects.filter(user=user, endpoint=endpoint).delete()
    return deleted


def _session() -> requests.Session:
    # An allowed push service must not bounce the worker to another address by a redirect.
    session = requests.Session()
    session.max_redirects = 0
    return session


def send_to_all(user: User, payload: dict) -> list[str]:
    """Push `payload` to each of the person's browsers, each on its own; returns what failed.

    A subscription that fails the checks (stored before them, or since taken off the list) is
    deleted without being called; one that the push service says is gone is deleted too. The
    failures are logged by subscription id and cause only: no address, key or message text.
    """
    failures = []
    data = json.dumps(payload)
    with _session() as session:
        for subscription in PushSubscription.objects.filter(user=user).order_by("pk"):
            pk = subscription.pk
            problem = subscription_problem(
                endpoint=subscription.endpoint, p256dh=subscription.p256dh, auth=subscription.auth
            )
            if problem is not None:
                logger.warning("push subscription %s deleted: refused by the checks", pk)
                subscription.delete()
                failures.append(f"push {pk}: refused subscription")
                continue
            try:
                webpush(
                    subscription_info={
                        "endpoint": subscription.endpoint,
                        "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
                    },
                    data=data,
                    vapid_private_key=settings.VAPID_PRIVATE_KEY,
                    vapid_claims={"sub": settings.VAPID_CLAIMS_SUB},
                    timeout=PUSH_TIMEOUT_SECONDS,
                    requests_session=session,
                )
            except WebPushException as exc:
                status = getattr(exc.response, "status_code", None)
                if status in (404, 410):
                    # The browser unsubscribed: forget the endpoint.
                    subscription.delete()
                    continue
                logger.warning("push to subscription %s failed: HTTP %s", pk, status)
                failures.append(f"push {pk}: HTTP {status}")
            except Exception as exc:  # noqa: BLE001  one browser's failure must not stop the rest
                logger.warning("push to subscription %s failed: %s", pk, type(exc).__name__)
                failures.append(f"push {pk}: {type(exc).__name__}")
    return failures
