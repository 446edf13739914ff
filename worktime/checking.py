"""A request checked before anything is written: its kind's policy, the person's other days.

A preview runs this check alone; a request, a revision record what passes it (services).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from core.workdays import work_calendar

from . import rules, selectors
from .policies import default_policy

if TYPE_CHECKING:
    from accounts.models import User

    from .models import Arrangement


@dataclass
class CheckedRequest:
    """A request that passed the rules: its fields as they will be stored, and its days."""

    kind: str
    start_date: dt.date
    end_date: dt.date
    weekdays: list[int]
    start_time: dt.time | None
    hours: Decimal | None
    daily_hours: dict[str, str]
    reason: str
    is_emergency: bool
    emergency_reason: str
    center: object
    seat: object
    days: list[rules.DayPlan]
    # (date, "12월 25일 (기독탄신일)") for the days of the period that are not worked.
    skipped: list[tuple[dt.date, str]] = dataclasses.field(default_factory=list)

    def apply_to(self, arrangement: Arrangement) -> None:
        """Every field but the days is the arrangement's own field of that name."""
        for field in dataclasses.fields(self):
            if field.name not in ("days", "skipped"):
                setattr(arrangement, field.name, getattr(self, field.name))


def check_request(
    *,
    applicant: User,
    kind: str,
    start_date: dt.date | None,
    end_date: dt.date | None = None,
    weekdays: list[int] | tuple[int, ...] | None = None,
    start_time: dt.time | None = None,
    hours: Decimal | None = None,
    daily_hours: dict[int, Decimal] | None = None,
    reason: str = "",
    is_emergency: bool = False,
    emergency_reason: str = "",
    center=None,
    seat=None,
    today: dt.date,
) -> CheckedRequest:
    """Check a request against its kind's policy and the person's other days; lock the person
    first so that the overlap and monthly checks read a stable picture.

    Raises `rules.RuleViolation` with every reason at once, each keyed by its field.
    """
    if kind not in rules.Kind.ALL:
        raise rules.RuleViolation({"kind": [_("Choose a kind of arrangement.")]})
    policy_row = selectors.work_policy(kind)
    if policy_row is not None and not policy_row.is_enabled:
        raise rules.RuleViolation(
            {"kind": [_("This kind of arrangement is not open for requests.")]}
        )
    policy = policy_row.as_rules() if policy_row else default_policy(kind)

    get_user_model().objects.select_for_update().filter(pk=applicant.pk).first()

    errors: dict[str, list[str]] = {}
    if (
        kind == rules.Kind.SMART_WORK
        and seat is not None
        and center is not None
        and seat.center_id != center.pk
    ):
        errors["seat"] = [_("That seat is not at the chosen center.")]
    if kind == rules.Kind.SMART_WORK and seat is not None and center is None:
        center = seat.center
    end = end_date or start_date
    request = rules.Request(
        kind=kind,
        start_date=start_date,
        end_date=end,
        weekdays=tuple(weekdays) if weekdays else None,
        start_time=start_time,
        hours=hours,
        daily_hours={int(k): Decimal(v) for k, v in (daily_hours or {}).items()} or None,
        reason=reason or "",
        is_emergency=is_emergency,
        emergency_reason=emergency_reason or "",
        has_center=center is not None,
        has_seat=seat is not None,
    )
    try:
        if start_date is None or (end is not None and end < start_date):
            plan = rules.check_request(request, policy, today=today, calendar=work_calendar())
        else:
            plan = rules.check_request(
                request,
                policy,
                today=today,
                calendar=work_calendar(start_date, end),
                taken_days=selectors.taken_days(applicant, start_date, end),
                month_usage=selectors.month_usage(applicant, kind, start_date, end),
            )
    except rules.RuleViolation as violation:
        for name, messages in violation.errors.items():
            errors.setdefault(name, []).extend(messages)
        raise rules.RuleViolation(errors) from None
    if errors:
        raise rules.RuleViolation(errors)
    smart_work = kind == rules.Kind.SMART_WORK
    return CheckedRequest(
        kind=kind,
        start_date=start_date,
        end_date=end,
        weekdays=sorted(set(weekdays)) if weekdays else [],
        start_time=start_time if kind in rules.Kind.TIMED else None,
        hours=hours if kind in rules.Kind.HOURS else None,
        daily_hours={str(k): str(v) for k, v in (request.daily_hours or {}).items()},
        reason=request.reason,
        is_emergency=is_emergency,
        emergency_reason=request.emergency_reason if is_emergency else "",
        center=center if smart_work else None,
        seat=seat if smart_work else None,
        days=plan.days,
        skipped=plan.skipped,
    )
