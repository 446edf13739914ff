"""Flexible-work rules without the database: working days, start windows, hours and lead times.

Every check says what is wrong and where: errors are keyed by the request field they concern,
in the active language, so a form or the API can put each message beside its field.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.workdays import WORKING_WEEKDAYS, WorkCalendar

from .policies import STANDARD_DAY_HOURS, STANDARD_START, Kind, Policy


def fmt_date(day: dt.date) -> str:
    return day.isoformat()


def fmt_time(value: dt.time) -> str:
    return value.strftime("%H:%M")


def fmt_hours(value: Decimal) -> str:
    value = Decimal(value)
    return f"{value.normalize():f}" if value == value.to_integral() else f"{value:.1f}"


def weekday_name(weekday: int) -> str:
    return date_format(dt.date(2024, 1, 1) + dt.timedelta(days=weekday), "l")


def dates_between(start: dt.date, end: dt.date) -> Iterable[dt.date]:
    day = start
    while day <= end:
        yield day
        day += dt.timedelta(days=1)


# --- a request and its plan -----------------------------------------------------------------


@dataclass
class Request:
    """What a person asks for, as parsed from a form or the API (types checked, rules not)."""

    kind: str
    start_date: dt.date | None
    end_date: dt.date | None = None
    weekdays: tuple[int, ...] | None = None
    start_time: dt.time | None = None
    hours: Decimal | None = None
    daily_hours: Mapping[int, Decimal] | None = None
    reason: str = ""
    is_emergency: bool = False
    emergency_reason: str = ""
    has_center: bool = False
    has_seat: bool = False


@dataclass(frozen=True)
class DayPlan:
    date: dt.date
    start_time: dt.time | None
    end_time: dt.time | None
    hours: Decimal


@dataclass
class Plan:
    days: list[DayPlan]
    # Days in the period that are not worked: (date, "12월 25일 (기독탄신일)") for the preview.
    skipped: list[tuple[dt.date, str]] = field(default_factory=list)


def skipped_days(
    start: dt.date, end: dt.date, pattern: Iterable[int], calendar: WorkCalendar
) -> list[tuple[dt.date, str]]:
    """The days of a period its arrangement skips, each with what the day is called.

    Holidays on the chosen weekdays, and the days off the period starts or ends on (a range
    typed from a Saturday): the weekends inside a period go without saying.
    """
    pattern = set(pattern)
    all_days = list(dates_between(start, end))
    working = [d for d in all_days if d.weekday() in pattern and calendar.is_working_day(d)]
    first, last = (working[0], working[-1]) if working else (end + dt.timedelta(days=1), start)
    found = []
    for day in all_days:
        if calendar.is_working_day(day):
            continue
        on_pattern = day.weekday() in pattern
        at_edge = day < first or day > last
        is_weekend = day.weekday() not in WORKING_WEEKDAYS
        if (on_pattern and calendar.holiday_name(day)) or (at_edge and is_weekend):
            found.append((day, calendar.skipped_label(day)))
    return found


class RuleViolation(Exception):
    """The request breaks one or more rules: `errors` maps a field name to its messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors


class _Errors:
    def __init__(self):
        self.by_field: dict[str, list[str]] = defaultdict(list)

    def add(self, name: str, message: str) -> None:
        self.by_field[name].append(message)

    def __bool__(self) -> bool:
        return bool(self.by_field)

    def raise_if_any(self) -> None:
        if self.by_field:
            raise RuleViolation(dict(self.by_field))


def end_of_day(start: dt.time, hours: Decimal, policy: Policy) -> dt.time | None:
    """When a day that starts at `start` and holds `hours` of work ends, lunch included.

    Returns None when the day would run past midnight.
    """
    day = dt.date(2000, 1, 1)
    begin = dt.datetime.combine(day, start)
    end = begin + dt.timedelta(minutes=int(Decimal(hours) * 60))
    if policy.lunch_start and policy.lunch_end:
        lunch_start = dt.datetime.combine(day, policy.lunch_start)
        lunch_end = dt.datetime.combine(day, policy.lunch_end)
        if begin < lunch_start < end or (begin >= lunch_start and begin < lunch_end):
            end += lunch_end - max(begin, lunch_start)
    if end.date() != day:
        return None
    return end.time()


def _hours_of_day(request: Request, policy: Policy, weekday: int) -> Decimal:
    if request.kind == Kind.STAGGERED:
        return policy.min_daily_hours or STANDARD_DAY_HOURS
    if request.kind in Kind.HOURS:
        if request.daily_hours and weekday in request.daily_hours:
            return Decimal(request.daily_hours[weekday])
        if request.hours is not None:
            return Decimal(request.hours)
    return STANDARD_DAY_HOURS


def pattern_of(request: Request) -> tuple[int, ...]:
    """The weekdays a request covers: its pattern, the days it gives hours for, or all five."""
    if request.weekdays:
        return tuple(sorted(set(request.weekdays)))
    if request.kind in Kind.HOURS and request.daily_hours:
        return tuple(sorted(request.daily_hours))
    return WORKING_WEEKDAYS


def check_request(
    request: Request,
    policy: Policy,
    *,
    today: dt.date,
    calendar: WorkCalendar,
    taken_days: Mapping[dt.date, str] | None = None,
    month_usage: Mapping[tuple[int, int], int] | None = None,
) -> Plan:
    """Check a request against its kind's policy; return the days it covers or raise.

    `taken_days` maps each day the person already has a pending or approved arrangement on to a
    short description; `month_usage` counts, per (year, month), the days of this kind the
    person already holds (for the monthly limit).
    """
    errors = _Errors()
    taken_days = taken_days or {}
    month_usage = month_usage or {}
    kind = request.kind

    if not request.reason.strip():
        errors.add("reason", _("Say why you need this arrangement."))

    start, end = request.start_date, request.end_date or request.start_date
    if start is None:
        errors.add("start_date", _("Choose the first day."))
        errors.raise_if_any()
    assert start is not None and end is not None
    if end < start:
        errors.add("end_date", _("The last day is before the first day."))
        errors.raise_if_any()

    _check_lead_time(request, policy, start, today, errors)
    if policy.max_period_days and (end - start).days + 1 > policy.max_period_days:
        errors.add(
            "end_date",
            ngettext(
                "A request covers at most %(n)d day.",
                "A request covers at most %(n)d days.",
                policy.max_period_days,
            )
            % {"n": policy.max_period_days},
        )

    pattern = pattern_of(request)
    weekend = [d for d in pattern if d not in WORKING_WEEKDAYS]
    if any(d < 0 or d > 6 for d in pattern):
        errors.add("weekdays", _("Weekdays are numbered 0 (Monday) to 6 (Sunday)."))
    elif weekend:
        errors.add(
            "weekdays",
            _("%(days)s: Saturday and Sunday are not working days.")
            % {"days": ", ".join(weekday_name(d) for d in weekend)},
        )
    if kind == Kind.COMPRESSED and len(pattern) >= len(WORKING_WEEKDAYS):
        errors.add(
            "weekdays",
            _("A compressed week works fewer than five days: choose the days you work."),
        )

    # A single day must itself be a working day; a period skips the days in it that are not
    # (weekends, public and substitute holidays, office holidays) and lists them in the plan.
    if end == start and not request.weekdays:
        why = calendar.why_not_working(start)
        if why:
            errors.add("start_date", why)

    days = [
        day
        for day in dates_between(start, end)
        if day.weekday() in pattern and calendar.is_working_day(day)
    ]
    skipped = skipped_days(start, end, pattern, calendar)
    if not days and "start_date" not in errors.by_field:
        if request.weekdays:
            message = _("No working day in this period matches the chosen weekdays.")
        else:
            message = _(
                "There is no working day from %(start)s to %(end)s (%(skipped)s): choose a "
                "period with at least one."
            ) % {
                "start": fmt_date(start),
                "end": fmt_date(end),
                "skipped": ", ".join(label for _day, label in skipped),
            }
        errors.add("start_date", message)

    times = _check_times(request, policy, pattern, errors)

    if kind == Kind.SMART_WORK:
        if not request.has_center:
            errors.add("center", _("Choose a smart-work center."))
        if not request.has_seat:
            errors.add("seat", _("Choose a seat."))

    clashes = [d for d in days if d in taken_days]
    if clashes:
        listed = "; ".join(f"{fmt_date(d)} ({taken_days[d]})" for d in clashes[:5])
        more = len(clashes) - 5
        message = _("You already have an arrangement on these days: %(days)s.") % {"days": listed}
        if more > 0:
            message += " " + ngettext("And %(n)d more day.", "And %(n)d more days.", more) % {
                "n": more
            }
        errors.add("start_date", message)

    if policy.monthly_day_limit is not None:
        per_month: dict[tuple[int, int], int] = defaultdict(int)
        for day in days:
            per_month[(day.year, day.month)] += 1
        for (year, month), count in sorted(per_month.items()):
            used = month_usage.get((year, month), 0)
            if used + count > policy.monthly_day_limit:
                errors.add(
                    "end_date",
                    _(
                        "%(year)d-%(month)02d: %(used)d day(s) already arranged plus %(count)d "
                        "requested is more than the %(limit)d allowed a month."
                    )
                    % {
                        "year": year,
                        "month": month,
                        "used": used,
                        "count": count,
                        "limit": policy.monthly_day_limit,
                    },
                )

    errors.raise_if_any()
    plan_days = []
    for day in days:
        start_time, end_time, hours = times.get(day.weekday(), (None, None, STANDARD_DAY_HOURS))
        plan_days.append(DayPlan(day, start_time, end_time, hours))
    return Plan(days=plan_days, skipped=skipped)


def _check_lead_time(
    request: Request, policy: Policy, start: dt.date, today: dt.date, errors: _Errors
) -> None:
    if start < today:
        errors.add("start_date", _("The first day has already passed."))
        return
    ahead = (start - today).days
    if policy.max_days_ahead is not None and ahead > policy.max_days_ahead:
        errors.add(
            "start_date",
            ngettext(
                "You can apply at most %(n)d day ahead.",
                "You can apply at most %(n)d days ahead.",
                policy.max_days_ahead,
            )
            % {"n": policy.max_days_ahead},
        )
    if request.is_emergency and not policy.emergency_allowed:
        errors.add(
            "is_emergency", _("This kind of arrangement cannot be requested as an emergency.")
        )
        return
    if ahead >= policy.min_days_ahead:
        return
    if request.is_emergency:
        if not request.emergency_reason.strip():
            errors.add("emergency_reason", _("Say why this request is an emergency."))
        return
    deadline = start - dt.timedelta(days=policy.min_days_ahead)
    message = ngettext(
        "Apply at least %(n)d day before the first day (by %(deadline)s).",
        "Apply at least %(n)d days before the first day (by %(deadline)s).",
        policy.min_days_ahead,
    ) % {"n": policy.min_days_ahead, "deadline": fmt_date(deadline)}
    if policy.emergency_allowed:
        message += " " + _("If it cannot wait, mark it as an emergency and say why.")
    errors.add("start_date", message)


def _check_times(
    request: Request, policy: Policy, pattern: tuple[int, ...], errors: _Errors
) -> dict[int, tuple[dt.time | None, dt.time | None, Decimal]]:
    """Check start time and hours; return (start, end, hours) per weekday of the pattern."""
    kind = request.kind
    result: dict[int, tuple[dt.time | None, dt.time | None, Decimal]] = {}
    start_time = request.start_time
    if kind in Kind.TIMED:
        if start_time is None:
            errors.add("start_time", _("Choose a start time."))
        else:
            _check_start(start_time, policy, errors)
    elif start_time is None:
        start_time = STANDARD_START

    if kind in Kind.HOURS and request.hours is None and not request.daily_hours:
        errors.add("hours", _("Give the hours you will work each day."))
        return result

    weekly_total = Decimal(0)
    for weekday in WORKING_WEEKDAYS:
        if weekday not in pattern:
            # A day outside a chosen-hours pattern is an ordinary day; a compressed week rests.
            if kind == Kind.CHOSEN_HOURS:
                weekly_total += STANDARD_DAY_HOURS
            continue
        hours = _hours_of_day(request, policy, weekday)
        weekly_total += hours
        if kind in Kind.HOURS:
            _check_daily_hours(hours, weekday, policy, errors)
        if start_time is None:
            continue
        end_time = end_of_day(start_time, hours, policy)
        if end_time is None or (policy.latest_end and end_time > policy.latest_end):
            errors.add(
                "hours",
                _("%(day)s: the day would end at %(end)s, after the latest end %(latest)s.")
                % {
                    "day": weekday_name(weekday),
                    "end": fmt_time(end_time) if end_time else "24:00+",
                    "latest": fmt_time(policy.latest_end or dt.time(23, 59)),
                },
            )
            continue
        if (
            policy.core_start
            and policy.core_end
            and kind in Kind.TIMED
            and (start_time > policy.core_start or end_time < policy.core_end)
        ):
            errors.add(
                "start_time",
                _(
                    "%(day)s: %(start)s–%(end)s does not cover the core hours "
                    "%(core_start)s–%(core_end)s."
                )
                % {
                    "day": weekday_name(weekday),
                    "start": fmt_time(start_time),
                    "end": fmt_time(end_time),
                    "core_start": fmt_time(policy.core_start),
                    "core_end": fmt_time(policy.core_end),
                },
            )
        result[weekday] = (start_time, end_time, hours)

    if (
        kind in Kind.HOURS
        and policy.weekly_hours is not None
        and weekly_total != policy.weekly_hours
    ):
        if kind == Kind.CHOSEN_HOURS:
            message = _(
                "The week adds up to %(total)s hours (days not chosen count as 8); it must be "
                "%(weekly)s."
            )
        else:
            message = _("The week adds up to %(total)s hours; it must be %(weekly)s.")
        errors.add(
            "hours",
            message % {"total": fmt_hours(weekly_total), "weekly": fmt_hours(policy.weekly_hours)},
        )
    return result


def _check_start(start_time: dt.time, policy: Policy, errors: _Errors) -> None:
    earliest, latest = policy.earliest_start, policy.latest_start
    if (earliest and start_time < earliest) or (latest and start_time > latest):
        errors.add(
            "start_time",
            _("Start between %(earliest)s and %(latest)s; %(start)s is outside that window.")
            % {
                "earliest": fmt_time(earliest or dt.time(0, 0)),
                "latest": fmt_time(latest or dt.time(23, 59)),
                "start": fmt_time(start_time),
            },
        )
        return
    step = policy.start_step_minutes or 1
    base = earliest or dt.time(0, 0)
    minutes = (start_time.hour * 60 + start_time.minute) - (base.hour * 60 + base.minute)
    if minutes % step or start_time.second:
        errors.add(
            "start_time",
            ngettext(
                "Start on a %(step)d-minute step (e.g. %(example)s); %(start)s is off the step.",
                "Start on a %(step)d-minute step (e.g. %(example)s); %(start)s is off the step.",
                step,
            )
            % {"step": step, "example": fmt_time(base), "start": fmt_time(start_time)},
        )


def _check_daily_hours(hours: Decimal, weekday: int, policy: Policy, errors: _Errors) -> None:
    values = {
        "day": weekday_name(weekday),
        "hours": fmt_hours(hours),
        "min": fmt_hours(policy.min_daily_hours or 0),
        "max": fmt_hours(policy.max_daily_hours or 24),
    }
    if hours * 2 != (hours * 2).to_integral():
        errors.add("hours", _("%(day)s: give hours in half-hour steps.") % values)
    elif policy.min_daily_hours is not None and hours < policy.min_daily_hours:
        errors.add(
            "hours", _("%(day)s: %(hours)s hours is less than the %(min)s required.") % values
        )
    elif policy.max_daily_hours is not None and hours > policy.max_daily_hours:
        errors.add(
            "hours", _("%(day)s: %(hours)s hours is more than the %(max)s allowed.") % values
        )


def weekday_abbr(weekday: int) -> str:
    name = date_format(dt.date(2024, 1, 1) + dt.timedelta(days=weekday), "D")
    # Korean weekday names are one syllable plus 요일: the syllable is the short form.
    return name[:1] if name.endswith("요일") else name
