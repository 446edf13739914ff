"""The rules of each arrangement kind at and across their limits, without the database."""

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest
from django.utils import translation

from worktime import rules
from worktime.policies import default_policy
from worktime.rules import Kind, Request, RuleViolation, WorkCalendar, check_request

TODAY = dt.date(2026, 11, 25)  # a Wednesday
MONDAY = dt.date(2026, 11, 30)
CAL = WorkCalendar()


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def check(kind=Kind.STAGGERED, policy=None, **fields):
    today = fields.pop("today", TODAY)
    fields.setdefault("start_date", MONDAY)
    fields.setdefault("reason", "아이 등원")
    if kind in Kind.TIMED:
        fields.setdefault("start_time", dt.time(10, 0))
    if kind == Kind.SMART_WORK:
        fields.setdefault("has_center", True)
        fields.setdefault("has_seat", True)
    return check_request(
        Request(kind=kind, **fields),
        policy or default_policy(kind),
        today=today,
        calendar=CAL,
    )


def errors_of(**kwargs):
    with pytest.raises(RuleViolation) as caught:
        check(**kwargs)
    return caught.value.errors


# --- staggered hours (시차출퇴근형) ---


def test_staggered_two_hours_late_ends_at_seven_with_lunch():
    plan = check(start_time=dt.time(10, 0))
    assert plan.days == [rules.DayPlan(MONDAY, dt.time(10, 0), dt.time(19, 0), Decimal(8))]


@pytest.mark.parametrize("start", [dt.time(7, 0), dt.time(7, 30), dt.time(9, 30), dt.time(10, 0)])
def test_staggered_start_inside_the_window_on_the_step(start):
    assert check(start_time=start).days[0].start_time == start


@pytest.mark.parametrize("start", [dt.time(6, 30), dt.time(10, 30), dt.time(11, 0)])
def test_staggered_start_outside_the_window_is_refused(start):
    errors = errors_of(start_time=start)
    assert "07:00 and 10:00" in errors["start_time"][0]


def test_staggered_start_off_the_step_is_refused():
    errors = errors_of(start_time=dt.time(8, 15))
    assert "30-minute step" in errors["start_time"][0]
    assert "08:15" in errors["start_time"][0]


def test_start_time_is_required_for_staggered():
    assert "start_time" in errors_of(start_time=None)


def test_reason_is_required():
    assert "reason" in errors_of(reason="  ")


# --- chosen daily hours (근무시간선택형) ---


def test_chosen_hours_at_the_daily_limits_balance_the_week():
    plan = check(
        kind=Kind.CHOSEN_HOURS,
        start_time=dt.time(8, 0),
        daily_hours={0: Decimal(12), 4: Decimal(4)},
        end_date=dt.date(2026, 12, 4),
    )
    assert [(d.date.weekday(), d.hours) for d in plan.days] == [(0, 12), (4, 4)]
    assert plan.days[0].end_time == dt.time(21, 0)  # 8 + 12 + lunch
    assert plan.days[1].end_time == dt.time(12, 0)


def test_chosen_hours_across_the_daily_limits():
    errors = errors_of(
        kind=Kind.CHOSEN_HOURS,
        start_time=dt.time(8, 0),
        daily_hours={0: Decimal("12.5"), 4: Decimal("3.5")},
    )
    assert any("more than the 12 allowed" in m for m in errors["hours"])
    assert any("less than the 4 required" in m for m in errors["hours"])


def test_chosen_hours_week_must_add_up_to_forty():
    errors = errors_of(
        kind=Kind.CHOSEN_HOURS, start_time=dt.time(8, 0), daily_hours={0: Decimal(10)}
    )
    assert any("42 hours" in m and "must be 40" in m for m in errors["hours"])


def test_chosen_hours_day_cannot_end_after_ten_at_night():
    errors = errors_of(
        kind=Kind.CHOSEN_HOURS,
        start_time=dt.time(11, 0),
        daily_hours={0: Decimal(12), 4: Decimal(4)},
    )
    assert any("24:00" in m or "after the latest end 22:00" in m for m in errors["hours"])


def test_core_hours_must_be_covered_when_the_policy_sets_them():
    policy = replace(
        default_policy(Kind.CHOSEN_HOURS), core_start=dt.time(10), core_end=dt.time(16)
    )
    errors = errors_of(
        kind=Kind.CHOSEN_HOURS,
        policy=policy,
        start_time=dt.time(8, 0),
        daily_hours={0: Decimal(12), 4: Decimal(4)},
    )
    assert any("core hours 10:00–16:00" in m for m in errors["start_time"])


# --- compressed week (집약근무형) ---


def test_compressed_four_ten_hour_days():
    plan = check(
        kind=Kind.COMPRESSED,
        start_time=dt.time(8, 0),
        weekdays=(0, 1, 2, 3),
        hours=Decimal(10),
        start_date=dt.date(2026, 11, 30),
        end_date=dt.date(2026, 12, 4),
        today=dt.date(2026, 11, 20),
    )
    assert [d.date.weekday() for d in plan.days] == [0, 1, 2, 3]
    assert plan.days[0].end_time == dt.time(19, 0)


def test_compressed_needs_fewer_than_five_days():
    errors = errors_of(
        kind=Kind.COMPRESSED, start_time=dt.time(8, 0), hours=Decimal(8), today=dt.date(2026, 11, 1)
    )
    assert "fewer than five days" in errors["weekdays"][0]


def test_compressed_week_short_of_forty_hours():
    errors = errors_of(
        kind=Kind.COMPRESSED,
        start_time=dt.time(8, 0),
        weekdays=(0, 1, 2),
        hours=Decimal(12),
        today=dt.date(2026, 11, 1),
    )
    assert any("36 hours" in m for m in errors["hours"])


def test_compressed_allows_no_emergency():
    errors = errors_of(
        kind=Kind.COMPRESSED,
        start_time=dt.time(8, 0),
        weekdays=(0, 1, 2, 3),
        hours=Decimal(10),
        is_emergency=True,
        emergency_reason="급한 일",
    )
    assert "is_emergency" in errors


# --- discretionary, remote and smart-work ---


def test_discretionary_needs_a_week_of_notice():
    errors = errors_of(kind=Kind.DISCRETIONARY, start_date=dt.date(2026, 12, 1))
    assert "at least 7 days" in errors["start_date"][0]
    assert check(kind=Kind.DISCRETIONARY, start_date=dt.date(2026, 12, 2)).days


def test_remote_home_defaults_to_a_standard_day():
    day = check(kind=Kind.REMOTE_HOME).days[0]
    assert (day.start_time, day.end_time, day.hours) == (dt.time(9), dt.time(18), 8)


def test_smart_work_needs_center_and_seat():
    errors = errors_of(kind=Kind.SMART_WORK, has_center=False, has_seat=False)
    assert set(errors) == {"center", "seat"}


def test_monthly_limit_at_and_across():
    request = Request(kind=Kind.REMOTE_HOME, start_date=MONDAY, end_date=MONDAY, reason="돌봄")
    policy = default_policy(Kind.REMOTE_HOME)
    check_request(request, policy, today=TODAY, calendar=CAL, month_usage={(2026, 11): 9})
    with pytest.raises(RuleViolation) as caught:
        check_request(request, policy, today=TODAY, calendar=CAL, month_usage={(2026, 11): 10})
    assert "10 allowed a month" in caught.value.errors["end_date"][0]


# --- lead time and emergencies ---


def test_applying_today_for_tomorrow_is_in_time():
    assert check(start_date=dt.date(2026, 11, 26)).days


def test_applying_on_the_day_is_too_late_without_emergency():
    errors = errors_of(start_date=TODAY)
    assert "by 2026-11-24" in errors["start_date"][0]
    assert "emergency" in errors["start_date"][0]


def test_emergency_on_the_day_needs_a_reason():
    assert "emergency_reason" in errors_of(start_date=TODAY, is_emergency=True)
    assert check(start_date=TODAY, is_emergency=True, emergency_reason="아이 발열").days


def test_past_days_are_refused_even_in_an_emergency():
    errors = errors_of(start_date=dt.date(2026, 11, 24), is_emergency=True, emergency_reason="x")
    assert "already passed" in errors["start_date"][0]


def test_too_far_ahead():
    errors = errors_of(kind=Kind.SMART_WORK, start_date=dt.date(2026, 12, 14))
    assert "at most 14 days ahead" in errors["start_date"][0]


# --- working days and holidays ---


def test_a_period_of_chuseok_days_only_is_refused_naming_them():
    errors = errors_of(
        start_date=dt.date(2026, 9, 24), end_date=dt.date(2026, 9, 25), today=dt.date(2026, 9, 1)
    )
    assert "There is no working day from 2026-09-24 to 2026-09-25" in errors["start_date"][0]
    assert "Chuseok" in errors["start_date"][0]


def test_chuseok_is_named_in_korean():
    with translation.override("ko"):
        errors = errors_of(start_date=dt.date(2026, 9, 24), today=dt.date(2026, 9, 1))
    assert "추석 전날" in errors["start_date"][0]


def test_substitute_holiday_is_not_a_working_day():
    errors = errors_of(start_date=dt.date(2026, 10, 5), today=dt.date(2026, 9, 1))
    assert "Alternative holiday" in errors["start_date"][0]


def test_holidays_inside_a_period_are_skipped_and_reported():
    plan = check(
        start_date=dt.date(2026, 9, 21), end_date=dt.date(2026, 9, 30), today=dt.date(2026, 9, 1)
    )
    dates = [d.date for d in plan.days]
    assert dt.date(2026, 9, 24) not in dates and dt.date(2026, 9, 25) not in dates
    assert dt.date(2026, 9, 26) not in dates  # a Saturday as well as a holiday
    assert len(dates) == 6
    assert [d for d, _why in plan.skipped] == [dt.date(2026, 9, 24), dt.date(2026, 9, 25)]


def test_office_holiday_is_not_a_working_day():
    calendar = WorkCalendar(office_holidays={MONDAY: "개청 기념일"})
    with pytest.raises(RuleViolation) as caught:
        check_request(
            Request(kind=Kind.REMOTE_HOME, start_date=MONDAY, reason="x"),
            default_policy(Kind.REMOTE_HOME),
            today=TODAY,
            calendar=calendar,
        )
    assert "office holiday (개청 기념일)" in caught.value.errors["start_date"][0]


def test_weekend_first_day_is_refused():
    errors = errors_of(start_date=dt.date(2026, 11, 28))
    assert "Saturday" in errors["start_date"][0]


# --- weekly patterns and overlaps ---


def test_every_monday_and_friday_in_december():
    plan = check(
        kind=Kind.REMOTE_HOME,
        start_date=dt.date(2026, 12, 4),
        end_date=dt.date(2026, 12, 28),
        weekdays=(0, 4),
    )
    days = [d.date.day for d in plan.days]
    assert days == [4, 7, 11, 14, 18, 21, 28]  # the 25th is Christmas


def test_weekend_in_the_pattern_is_refused():
    errors = errors_of(end_date=dt.date(2026, 12, 11), weekdays=(0, 5))
    assert "Saturday and Sunday are not working days" in errors["weekdays"][0]


def test_pattern_without_a_working_day():
    errors = errors_of(start_date=MONDAY, end_date=dt.date(2026, 12, 1), weekdays=(4,))
    assert "No working day" in errors["start_date"][0]


def test_overlap_names_the_days_and_what_holds_them():
    with pytest.raises(RuleViolation) as caught:
        check_request(
            Request(
                kind=Kind.STAGGERED,
                start_date=MONDAY,
                end_date=dt.date(2026, 12, 2),
                start_time=dt.time(9),
                reason="x",
            ),
            default_policy(Kind.STAGGERED),
            today=TODAY,
            calendar=CAL,
            taken_days={dt.date(2026, 12, 1): "Remote work from home, pending"},
        )
    assert "2026-12-01 (Remote work from home, pending)" in caught.value.errors["start_date"][0]
