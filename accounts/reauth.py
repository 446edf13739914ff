"""Asking again who is at the keyboard before changing how a person signs in.

Re-enrolling the authenticator or making new backup codes on a session left open would hand
the account to whoever found it; these steps need the password or a current one-time code
entered within the last few minutes (signing in counts).
"""

import functools
import time

from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.urls import reverse

REAUTHENTICATED_AT_KEY = "accounts_reauthenticated_at"
REAUTHENTICATION_WINDOW_SECONDS = 10 * 60


def mark_reauthenticated(request) -> None:
    request.session[REAUTHENTICATED_AT_KEY] = int(time.time())


def is_recently_reauthenticated(request) -> bool:
    at = request.session.get(REAUTHENTICATED_AT_KEY)
    return at is not None and time.time() - at <= REAUTHENTICATION_WINDOW_SECONDS


def recent_reauthentication_required(view):
    """Send the person to confirm their password or code first, then back to `view`'s page."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_recently_reauthenticated(request):
            # A POST cannot be replayed after the detour: come back to the settings page.
            back = request.get_full_path() if request.method == "GET" else None
            return redirect_to_login(
                back or reverse("accounts:preferences"),
                login_url=reverse("accounts:reauthenticate"),
            )
        return view(request, *args, **kwargs)

    return wrapper


@receiver(user_logged_in, dispatch_uid="accounts.reauth.mark_on_sign_in")
def _mark_on_sign_in(sender, request=None, **kwargs):
    if request is not None and hasattr(request, "session"):
        mark_reauthenticated(request)
