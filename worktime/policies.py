"""The arrangement kinds, and the policy each follows until admins change it (`WorkPolicy`).

No database: `Policy` is the snapshot the request checks in `rules` work from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

# The standard day of the Korean public service: 8 hours plus a one-hour lunch; 40 a week.
STANDARD_DAY_HOURS = Decimal(8)
STANDARD_START = dt.time(9, 0)


class Kind:
    """Arrangement kinds, by their Korean public-service names."""

    STAGGERED = "staggered"  # 시차출퇴근형
    CHOSEN_HOURS = "chosen_hours"  # 근무시간선택형
    COMPRESSED = "compressed"  # 집약근무형
    DISCRETIONARY = "discretionary"  # 재량근무형
    REMOTE_HOME = "remote_home"  # 원격근무형: 재택근무
    SMART_WORK = "smart_work"  # 원격근무형: 스마트워크근무

    ALL = (STAGGERED, CHOSEN_HOURS, COMPRESSED, DISCRETIONARY, REMOTE_HOME, SMART_WORK)
    # Kinds whose person is not at their usual office that day.
    REMOTE = (REMOTE_HOME, SMART_WORK)
    # Kinds whose requester chooses the start time.
    TIMED = (STAGGERED, CHOSEN_HOURS, COMPRESSED)
    # Kinds whose requester chooses the hours of each day.
    HOURS = (CHOSEN_HOURS, COMPRESSED)


@dataclass(frozen=True)
class Policy:
    """The rules of one arrangement kind (a snapshot of `WorkPolicy`, which admins edit)."""

    kind: str
    earliest_start: dt.time | None = None
    latest_start: dt.time | None = None
    start_step_minutes: int = 30
    latest_end: dt.time | None = None
    min_daily_hours: Decimal | None = None
    max_daily_hours: Decimal | None = None
    weekly_hours: Decimal | None = None
    core_start: dt.time | None = None
    core_end: dt.time | None = None
    lunch_start: dt.time | None = dt.time(12, 0)
    lunch_end: dt.time | None = dt.time(13, 0)
    min_days_ahead: int = 1
    max_days_ahead: int | None = None
    max_period_days: int | None = None
    monthly_day_limit: int | None = None
    emergency_allowed: bool = True


# The defaults of docs/product-rules.md (also written by the data migration; admins change them
# in the admin).
DEFAULT_POLICIES: dict[str, dict] = {
    Kind.STAGGERED: {
        "earliest_start": dt.time(7, 0),
        "latest_start": dt.time(10, 0),
        "start_step_minutes": 30,
        "min_daily_hours": Decimal(8),
        "max_daily_hours": Decimal(8),
        "weekly_hours": Decimal(40),
        "min_days_ahead": 1,
        "max_days_ahead": 180,
        "emergency_allowed": True,
    },
    Kind.CHOSEN_HOURS: {
        "earliest_start": dt.time(7, 0),
        "latest_start": dt.time(13, 0),
        "start_step_minutes": 30,
        "latest_end": dt.time(22, 0),
        "min_daily_hours": Decimal(4),
        "max_daily_hours": Decimal(12),
        "weekly_hours": Decimal(40),
        "min_days_ahead": 1,
        "max_days_ahead": 180,
        "emergency_allowed": True,
    },
    Kind.COMPRESSED: {
        "earliest_start": dt.time(7, 0),
        "latest_start": dt.time(10, 0),
        "start_step_minutes": 30,
        "latest_end": dt.time(22, 0),
        "min_daily_hours": Decimal(8),
        "max_daily_hours": Decimal(12),
        "weekly_hours": Decimal(40),
        "min_days_ahead": 3,
        "max_days_ahead": 180,
        "emergency_allowed": False,
    },
    Kind.DISCRETIONARY: {
        "min_days_ahead": 7,
        "max_days_ahead": 365,
        "emergency_allowed": False,
    },
    Kind.REMOTE_HOME: {
        "min_days_ahead": 1,
        "max_days_ahead": 90,
        "monthly_day_limit": 10,
        "emergency_allowed": True,
    },
    Kind.SMART_WORK: {
        "min_days_ahead": 1,
        "max_days_ahead": 14,
        "monthly_day_limit": 15,
        "emergency_allowed": True,
    },
}


def default_policy(kind: str) -> Policy:
    return Policy(kind=kind, **DEFAULT_POLICIES[kind])
