"""Pages of accounts: home, sign-in, the OTP step and enrolment, notifications."""

import base64
import json

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token

from . import notifications, push, services
from .forms import NotificationPreferencesForm, OneTimeCodeForm, SignInForm
from .nav import tiles_for
from .roles import role_names


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


def locked_out(request, credentials=None, *args, **kwargs):
    """What django-axes shows after too many wrong passwords."""
    return render(
        request,
        "accounts/locked_out.html",
        {"minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)},
        status=429,
    )


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return settings.LOGIN_REDIRECT_URL


@login_required
def home(request):
    return render(
        request,
        "accounts/home.html",
        {"tiles": tiles_for(request.user), "roles": role_names(request.user)},
    )


@login_required
def otp_verify(request):
    if request.user.is_verified():
        return redirect(_next_url(request))
    form = OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["otp_token"])
        if device is not None:
            otp_login(request, device)
            return redirect(_next_url(request))
        form.add_error(
            "otp_token",
            _(
                "That code is not valid. Check your authenticator app's clock and try the newest code."
            ),
        )
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _next_url(request)})


@login_required
def otp_enrol(request):
    has_device = request.user.totpdevice_set.filter(confirmed=True).exists()
    if has_device and not request.user.is_verified():
        # Re-enrolling needs the old device first (or an admin's reset).
        return redirect("accounts:otp_verify")
    device = services.start_totp_enrolment(user=request.user)
    form = OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = services.confirm_totp_enrolment(
            user=request.user, device=device, token=form.cleaned_data["otp_token"]
        )
        if codes is not None:
            otp_login(request, device)
            return render(
                request, "accounts/backup_codes.html", {"codes": codes, "next": _next_url(request)}
            )
        form.add_error(
            "otp_token",
            _("That code did not match. Scan the QR code again and enter the newest code."),
        )
    qr = segno.make(device.config_url, error="m")
    context = {
        "form": form,
        "qr_svg": qr.svg_inline(scale=5, dark="#111", light="#fff"),
        "secret": base64.b32encode(device.bin_key).decode().rstrip("="),
        "next": _next_url(request),
    }
    return render(request, "accounts/otp_enrol.html", context)


@login_required
@require_POST
def backup_codes(request):
    codes = services.regenerate_backup_codes(user=request.user)
    return render(
        request, "accounts/backup_codes.html", {"codes": codes, "next": settings.LOGIN_REDIRECT_URL}
    )


@login_required
def notification_list(request):
    items = list(request.user.notifications.all()[:50])
    if request.method == "POST":
        notifications.mark_read(user=request.user)
        return redirect("accounts:notifications")
    return render(request, "accounts/notifications.html", {"items": items})


@login_required
def preferences(request):
    form = NotificationPreferencesForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your notification settings were saved."))
        return redirect("accounts:preferences")
    return render(
        request,
        "accounts/preferences.html",
        {
            "form": form,
            "vapid_public_key": settings.VAPID_PUBLIC_KEY,
            "has_totp": request.user.totpdevice_set.filter(confirmed=True).exists(),
        },
    )


@login_required
@require_POST
def push_subscribe(request):
    try:
        data = json.loads(request.body)
        endpoint, keys = data["endpoint"], data["keys"]
        p256dh, auth = keys["p256dh"], keys["auth"]
    except (ValueError, KeyError, TypeError):
        return HttpResponseBadRequest(_("Send the browser's push subscription as JSON."))
    try:
        push.subscribe(user=request.user, endpoint=endpoint, p256dh=p256dh, auth=auth)
    except push.InvalidSubscription as exc:
        return HttpResponseBadRequest(exc.message)
    return JsonResponse({"status": "subscribed"}, status=201)


@login_required
@require_POST
def push_unsubscribe(request):
    try:
        endpoint = json.loads(request.body)["endpoint"]
    except (ValueError, KeyError, TypeError):
        return HttpResponseBadRequest(_("Send the browser's push subscription as JSON."))
    push.unsubscribe(user=request.user, endpoint=str(endpoint))
    return JsonResponse({"status": "unsubscribed"})
