"""Pages of accounts: home, sign-in, the OTP step and enrolment, notifications, settings."""

import base64
import json

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token

from . import notifications, push, selectors, services, signin_limits
from .forms import (
    ApiTokenForm,
    NotificationPreferencesForm,
    OneTimeCodeForm,
    ReauthenticateForm,
    SignInForm,
)
from .nav import tiles_for
from .reauth import mark_reauthenticated, recent_reauthentication_required
from .roles import requires_otp, role_names


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        signin_limits.remember_browser(self.request, response, form.get_user().username)
        return response


def locked_out(request, original_response=None, credentials=None):
    """What django-axes answers when a sign-in is refused: the sign-in page, saying why.

    Either the account is locked after too many wrong passwords, or the address has had too
    many failed sign-ins and this browser never signed in to the account from there.
    """
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    address_minutes = getattr(request, "signin_address_refused_minutes", None)
    if address_minutes is not None:
        refusal = _(
            "Too many failed sign-ins came from your network in the last hour, so new browsers "
            "there cannot sign in for %(minutes)d minutes: use a browser you signed in with "
            "before, or ask the IT team (정보통신팀)."
        ) % {"minutes": address_minutes}
    else:
        refusal = _(
            "This account is locked for %(minutes)d minutes after too many wrong passwords: "
            "try again then, or ask the IT team (정보통신팀) to unlock it now."
        ) % {"minutes": signin_limits.account_lock_minutes(username)}
    form = SignInForm(request, initial={"username": username})
    return render(
        request,
        "accounts/login.html",
        {"form": form, "refusal": refusal, "next": _safe_next(request)},
        status=429,
    )


def _safe_next(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _next_url(request) -> str:
    return _safe_next(request) or settings.LOGIN_REDIRECT_URL


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
            mark_reauthenticated(request)
            return redirect(_next_url(request))
        form.add_error(
            "otp_token",
            _(
                "That code is not valid. Check your authenticator app's clock and try the newest code."
            ),
        )
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _next_url(request)})


def _has_totp(user) -> bool:
    return user.totpdevice_set.filter(confirmed=True).exists()


@login_required
@never_cache
def reauthenticate(request):
    """Confirm the password or a current code before changing how the person signs in."""
    form = ReauthenticateForm(
        request.POST or None, request=request, has_device=_has_totp(request.user)
    )
    if request.method == "POST" and form.is_valid():
        mark_reauthenticated(request)
        return redirect(_next_url(request))
    return render(
        request, "accounts/reauthenticate.html", {"form": form, "next": _next_url(request)}
    )


@login_required
def otp_enrol(request):
    if _has_totp(request.user) and not request.user.is_verified():
        # Re-enrolling needs the old device first (or an admin's reset).
        return redirect("accounts:otp_verify")
    return _otp_enrol(request)


@recent_reauthentication_required
def _otp_enrol(request):
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
@recent_reauthentication_required
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
    return _render_preferences(request, form=form)


def _render_preferences(request, *, form=None, token_form=None, new_key="", status=200):
    return render(
        request,
        "accounts/preferences.html",
        {
            "form": form or NotificationPreferencesForm(instance=request.user),
            "token_form": token_form or ApiTokenForm(),
            "tokens": selectors.api_tokens_of(request.user),
            "new_key": new_key,
            "now": timezone.now(),
            "can_create_token": _can_create_token(request.user),
            "vapid_public_key": settings.VAPID_PUBLIC_KEY,
            "has_totp": _has_totp(request.user),
        },
        status=status,
    )


def _can_create_token(user) -> bool:
    """Roles that need the one-time code make tokens only from a session that passed it."""
    return user.is_verified() or not requires_otp(user)


@login_required
@require_POST
@never_cache
def create_api_token(request):
    if not _can_create_token(request.user):
        messages.error(
            request, _("Sign in with your one-time code first: your role needs it for API tokens.")
        )
        return redirect("accounts:preferences")
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return _render_preferences(request, token_form=form, status=400)
    _token, key = services.issue_api_token(
        user=request.user,
        name=form.cleaned_data["name"],
        days=form.cleaned_data["days"],
        otp_verified=request.user.is_verified(),
        now=timezone.now(),
    )
    # The key is shown on this answer only; it is never stored, so it cannot be shown again.
    return _render_preferences(request, new_key=key, status=201)


@login_required
@require_POST
def revoke_api_token(request, token_id):
    if services.revoke_api_token(user=request.user, token_id=token_id, now=timezone.now()):
        messages.success(request, _("The API token was revoked: it no longer works."))
    else:
        messages.error(request, _("That API token was already revoked or is not yours."))
    return redirect("accounts:preferences")


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
