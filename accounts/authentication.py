"""API tokens for scripts: `Authorization: Token <key>` (or `Bearer <key>`), expiring, revocable.

A token carries the one-time-code state of the session that created it, so a person whose role
needs the one-time code cannot get around it with a token made without one.
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication, get_authorization_header

from . import services
from .models import ApiToken
from .roles import requires_otp

KEYWORDS = (b"token", b"bearer")


class ApiTokenAuthentication(TokenAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in KEYWORDS:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                _("Send the API token as one value: 'Authorization: Token <key>'.")
            )
        try:
            key = parts[1].decode("ascii")
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("That API token is not valid.")) from None
        return self.authenticate_credentials(key)

    def authenticate_credentials(self, key):
        now = timezone.now()
        token = (
            ApiToken.objects.select_related("user").filter(key_hash=ApiToken.hash_key(key)).first()
        )
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("That API token is not valid."))
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(
                _("That API token was revoked. Create a new one on your settings page.")
            )
        if token.expires_at <= now:
            raise exceptions.AuthenticationFailed(
                _("That API token has expired. Create a new one on your settings page.")
            )
        user = token.user
        if not token.otp_verified and requires_otp(user):
            # A token made before the role needed the code, or carried over from the old keys.
            raise exceptions.PermissionDenied(
                _(
                    "This API token was not created after a one-time code, which your role needs. "
                    "Create a new one on your settings page after signing in with your code."
                )
            )
        # What django-otp's middleware gives a session user, from the token's own state.
        user.otp_device = None
        user.is_verified = lambda: token.otp_verified
        services.record_api_token_use(token=token, now=now)
        return user, token
