"""Managers, the health team and admins must finish the OTP step before anything else."""

from django.http import JsonResponse
from django.shortcuts import redirect
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
