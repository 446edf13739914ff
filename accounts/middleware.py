"""Sign-in guards: the OTP step for roles that need it, and signing out idle sessions."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from .roles import requires_otp

ALLOWED_PREFIXES = (
    "/static/",
    "/i18n/",
    "/jsi18n/",
    "/healthz",
    "/favicon.ico",
    "/offline/",
    "/sw.js",
    "/manifest.webmanifest",
)


class RequireVerifiedOTPMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and requires_otp(user) and not user.is_verified():
            response = self._stop(request, user)
            if response is not None:
                return response
        return self.get_response(request)

    def _stop(self, request, user):
        otp_paths = (
            reverse("accounts:otp_verify"),
            reverse("accounts:otp_enrol"),
            reverse("accounts:reauthenticate"),
            reverse("accounts:logout"),
        )
        path = request.path
        if path in otp_paths or path.startswith(ALLOWED_PREFIXES):
            return None
        if path.startswith("/api/"):
            return JsonResponse(
                {
                    "detail": _(
                        "Two-factor verification is required: sign in again with your one-time code."
                    )
                },
                status=403,
            )
        has_device = user.totpdevice_set.filter(confirmed=True).exists()
        target = reverse("accounts:otp_verify" if has_device else "accounts:otp_enrol")
        return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")


# Session keys, in seconds since the epoch: when the person was last active and signed in.
LAST_ACTIVITY_KEY = "accounts_last_activity"
SIGNED_IN_AT_KEY = "accounts_signed_in_at"
# Noting activity saves the session; once a minute is precise enough for a 30-minute limit.
ACTIVITY_RESOLUTION_SECONDS = 60


def idle_limit_seconds(user) -> int:
    minutes = (
        settings.SESSION_IDLE_TIMEOUT_OTP_MINUTES
        if requires_otp(user)
        else settings.SESSION_IDLE_TIMEOUT_MINUTES
    )
    return minutes * 60


class SignOutIdleSessionMiddleware:
    """Sign out a session left idle too long, or older than the session's whole lifetime.

    The database session's expiry moves forward every time the session is saved, so the
    lifetime from sign-in is kept here as well.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            session = request.session
            last = session.get(LAST_ACTIVITY_KEY)
            signed_in_at = session.setdefault(SIGNED_IN_AT_KEY, now)
            too_idle = last is not None and now - last > idle_limit_seconds(user)
            too_old = now - signed_in_at > settings.SESSION_COOKIE_AGE
            if too_idle or too_old:
                return self._sign_out(request, too_idle=too_idle)
            if last is None or now - last >= ACTIVITY_RESOLUTION_SECONDS:
                session[LAST_ACTIVITY_KEY] = now
        return self.get_response(request)

    @staticmethod
    def _sign_out(request, *, too_idle: bool):
        minutes = idle_limit_seconds(request.user) // 60
        logout(request)
        if too_idle:
            sentence = _(
                "You were signed out after %(minutes)d minutes without activity. Sign in again."
            ) % {"minutes": minutes}
        else:
            sentence = _("Your session has reached its time limit. Sign in again.")
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": sentence}, status=401)
        messages.info(request, sentence)
        if request.headers.get("HX-Request"):
            # A partial swapped into the page would show the sign-in form inside a card.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = resolve_url(settings.LOGIN_URL)
            return response
        if request.method != "GET":
            return redirect(settings.LOGIN_URL)
        return redirect_to_login(request.get_full_path())
