"""Django's password check, with the per-address failure cap of accounts/signin_limits.py."""

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from . import signin_limits


class AddressLimitedModelBackend(ModelBackend):
    """ModelBackend that counts its failed checks per client address and, past the cap,
    refuses a new browser at that address before checking the password.

    It comes after axes' backend, so a locked account never reaches it. A refusal sets the
    flag axes itself sets for a lockout: axes then neither records the attempt against the
    account (the password was never tried) nor lets it through, and its middleware answers
    with accounts.views.locked_out, which tells the person which limit they met.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None or password is None:
            return super().authenticate(request, username, password, **kwargs)
        minutes = signin_limits.address_refusal_minutes(request, username)
        if minutes is not None:
            request.signin_address_refused_minutes = minutes
            request.axes_locked_out = True
            raise PermissionDenied
        user = super().authenticate(request, username, password, **kwargs)
        if user is None:
            signin_limits.record_address_failure(request)
        return user
