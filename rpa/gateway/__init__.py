"""The SMS gateway: an HTTP adapter shaped like Korean bulk-messaging APIs, and its simulator."""

from .client import (
    MAX_BATCH,
    GatewayUnavailable,
    OutcomeUnknown,
    RateLimited,
    SendResult,
    lookup,
    pull_reports,
    send_batch,
)

__all__ = [
    "MAX_BATCH",
    "GatewayUnavailable",
    "OutcomeUnknown",
    "RateLimited",
    "SendResult",
    "lookup",
    "pull_reports",
    "send_batch",
]
