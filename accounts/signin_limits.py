"""Sign-in limits: wrong passwords lock that account; one address's failures are capped.

The account lock is django-axes' (per username, `AXES_FAILURE_LIMIT` failures, then
`AXES_COOLOFF_TIME`). The address cap is ours: failed password checks are counted per client
address and hour (`SIGNIN_ADDRESS_FAILURE_LIMIT`). Past it, that address's sign-ins are refused
before the password is checked, except from a browser where the same account signed in before
(a signed cookie set at each sign-in). So spraying one password over many accounts stops at the
cap, while the office's people, who sign in from their own browsers, keep signing in, and no
account is locked by what others did from its address.
"""

import datetime
import math

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from . import rate_limits
from .models import User

ADDRESS_FAILURES = "accounts-signin-address-failures"
KNOWN_BROWSER_COOKIE = "flexwork_signed_in_here"
KNOWN_BROWSER_SALT = "accounts.signin_limits.known-browser"
KNOWN_BROWSER_MAX_AGE = 180 * 24 * 60 * 60
# A shared computer at a service desk may be used by several people; a few marks are enough.
KNOWN_BROWSER_MAX_ACCOUNTS = 8


def _address_failures(request: HttpRequest, *, count: bool) -> dict | None:
    # "ip" is config.client_address.client_address (RATELIMIT_IP_META_KEY); None when the cache
    # does not answer: sign-in then goes on, guarded by the account lock alone.
    return rate_limits.usage(
        request,
        group=ADDRESS_FAILURES,
        key="ip",
        rate=f"{settings.SIGNIN_ADDRESS_FAILURE_LIMIT}/h",
        increment=count,
    )


def record_address_failure(request: HttpRequest) -> None:
    _address_failures(request, count=True)


def address_refusal_minutes(request: HttpRequest, username: str | None) -> int | None:
    """Minutes until this address may sign in again from a new browser; None when it may now."""
    usage = _address_failures(request, count=False)
    if usage is None or usage["count"] < usage["limit"]:
        return None
    if username and is_known_browser(request, username):
        return None
    return max(1, math.ceil(usage["time_left"] / 60))


def _browser_mark(username: str) -> str:
    # A keyed hash, not the username: the cookie tells nobody who signed in on this computer.
    return salted_hmac(KNOWN_BROWSER_SALT, username).hexdigest()[:20]


def _browser_marks(request: HttpRequest) -> list[str]:
    value = request.get_signed_cookie(
        KNOWN_BROWSER_COOKIE, default="", salt=KNOWN_BROWSER_SALT, max_age=KNOWN_BROWSER_MAX_AGE
    )
    return [mark for mark in value.split(",") if mark]


def is_known_browser(request: HttpRequest, username: str) -> bool:
    return _browser_mark(username) in _browser_marks(request)


def remember_browser(request: HttpRequest, response: HttpResponse, username: str) -> None:
    """Mark this browser as one where `username` signed in (newest first, a few at most)."""
    mark = _browser_mark(username)
    marks = [mark, *(m for m in _browser_marks(request) if m != mark)]
    response.set_signed_cookie(
        KNOWN_BROWSER_COOKIE,
        ",".join(marks[:KNOWN_BROWSER_MAX_ACCOUNTS]),
        salt=KNOWN_BROWSER_SALT,
        max_age=KNOWN_BROWSER_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def account_lock_minutes(username: str, *, now: datetime.datetime | None = None) -> int:
    """Minutes until a locked account may sign in again.

    Axes keeps one row per username, address and browser, each expiring `AXES_COOLOFF_TIME`
    after its last failure; the lock ends once the rows still alive hold fewer failures than
    the limit.
    """
    now = now or timezone.now()
    cooloff = settings.AXES_COOLOFF_TIME
    rows = list(
        AccessAttempt.objects.filter(username=username, attempt_time__gt=now - cooloff).order_by(
            "attempt_time"
        )
    )
    remaining = sum(row.failures_since_start for row in rows)
    ends = now + cooloff
    for row in rows:
        if remaining < settings.AXES_FAILURE_LIMIT:
            break
        ends = row.attempt_time + cooloff
        remaining -= row.failures_since_start
    return max(1, math.ceil((ends - now).total_seconds() / 60))


def unlock_sign_in(*, user: User) -> int:
    """Lift the account lock now (an admin's decision); returns the failure records removed."""
    return reset(username=user.username)
