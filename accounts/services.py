"""State changes of accounts: two-factor enrolment and backup codes."""

import secrets

from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import User

BACKUP_CODE_COUNT = 10


def start_totp_enrolment(*, user: User) -> TOTPDevice:
    """The unconfirmed device being enrolled; the same one until it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


@transaction.atomic
def confirm_totp_enrolment(*, user: User, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the device with a code it produced; returns fresh backup codes, or None if wrong."""
    if not device.verify_token(token):
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return regenerate_backup_codes(user=user)


@transaction.atomic
def regenerate_backup_codes(*, user: User) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name="backup", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [f"{secrets.randbelow(10**8):08d}" for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def reset_two_factor(*, user: User) -> None:
    """Admin re-enrolment: remove every device, so the next sign-in enrols anew."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
