"""State changes of accounts: two-factor enrolment, backup codes and API tokens."""

import secrets
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import ApiToken, User

BACKUP_CODE_COUNT = 10
# Keys start with this, so secret scanners and people recognise a leaked one.
API_TOKEN_KEY_PREFIX = "fw_"
# Recording every request's use would write a row per request; minutes are precise enough.
API_TOKEN_USE_RESOLUTION = timedelta(minutes=5)


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


def issue_api_token(
    *, user: User, name: str, days: int, otp_verified: bool, now: datetime
) -> tuple[ApiToken, str]:
    """A new token and its key; the key is returned only here, the database keeps its hash."""
    key = API_TOKEN_KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        key_hash=ApiToken.hash_key(key),
        prefix=key[:8],
        otp_verified=otp_verified,
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    return token, key


def revoke_api_tokens(*, tokens: QuerySet[ApiToken], now: datetime) -> int:
    """Revoke the tokens not revoked yet; returns how many were."""
    return tokens.filter(revoked_at__isnull=True).update(revoked_at=now)


def revoke_api_token(*, user: User, token_id: int, now: datetime) -> bool:
    """Revoke one of the person's own tokens; False when there is no such usable token."""
    return bool(revoke_api_tokens(tokens=ApiToken.objects.filter(user=user, pk=token_id), now=now))


def record_api_token_use(*, token: ApiToken, now: datetime) -> None:
    if token.last_used_at is None or now - token.last_used_at >= API_TOKEN_USE_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
