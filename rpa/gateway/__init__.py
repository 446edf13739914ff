"""The SMS providers the outbox sends through (setting SMS_PROVIDER), and a simulator of each."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .base import (
    FAILOVER,
    Found,
    GatewayUnavailable,
    OutcomeUnknown,
    Outgoing,
    Pending,
    Provider,
    RateLimited,
    SendResult,
)
from .nhn import NhnProvider
from .sens import SensProvider
from .simulated import SimulatedProvider

PROVIDERS: dict[str, type[Provider]] = {
    "simulator": SimulatedProvider,
    "sens": SensProvider,
    "nhn": NhnProvider,
}
# What each provider cannot send without (besides its URL, which has a default).
REQUIRED_SETTINGS = {
    "simulator": ("SMS_GATEWAY_URL",),
    "sens": ("SENS_API_URL", "SENS_SERVICE_ID", "SENS_ACCESS_KEY", "SENS_SECRET_KEY"),
    "nhn": ("NHN_SMS_API_URL", "NHN_SMS_APP_KEY", "NHN_SMS_SECRET_KEY"),
}


def provider_problem(name: str | None = None) -> str:
    """One sentence naming what to set when the provider settings cannot send, else ""."""
    name = settings.SMS_PROVIDER if name is None else name
    if name not in PROVIDERS:
        return (
            f"SMS_PROVIDER is {name!r}: set it to one of {', '.join(PROVIDERS)} "
            "(the provider that carries the texts)."
        )
    missing = [key for key in REQUIRED_SETTINGS[name] if not getattr(settings, key, "")]
    if missing:
        return f"SMS_PROVIDER is {name!r} but {', '.join(missing)} is empty: set it."
    return ""


def provider() -> Provider:
    """The configured provider; refuses with one sentence rather than sending anywhere else."""
    problem = provider_problem()
    if problem:
        raise ImproperlyConfigured(problem)
    return PROVIDERS[settings.SMS_PROVIDER]()


__all__ = [
    "FAILOVER",
    "PROVIDERS",
    "Found",
    "GatewayUnavailable",
    "Outgoing",
    "OutcomeUnknown",
    "Pending",
    "Provider",
    "RateLimited",
    "SendResult",
    "provider",
    "provider_problem",
]
