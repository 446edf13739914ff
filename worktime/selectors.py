"""Reads of flexible work: policies, a person's days, my month, the team board, the feed,
exports and statistics."""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, Prefetch, Q
from django.db.models.functions import ExtractMonth, ExtractYear, TruncMonth

from accounts.selectors import departments_headed_by, members_of
from core.workdays import WORKING_WEEKDAYS, WorkCalendar, work_calendar
from smartcenters import selectors as centers

from . import rules
from .away import selectors as away_selectors
from .models import ACTIVE_STATUSES, Arrangement, ArrangementDay, Kind, Status, WorkPolicy
from .policies import Policy, default_policy

if TYPE_CHECKING:
    from accounts.models import User


def work_policy(kind: str) -> WorkPolicy | None:
    """The kind's policy as admins keep it, or None where none was written."""
    return WorkPolicy.objects.filter(kind=kind).first()


def policy_for(kind: str) -> Policy:
    """The rules a request of this kind follows: the admins' policy, else the defaults."""
    policy = work_policy(kind)
    return policy.as_rules() if policy is not None else default_policy(kind)


def taken_days(user: User, start: dt.date, end: dt.date) -> dict[dt.date, str]:
    """Each day from start to end the person already holds an arrangement on, described."""
    days = ArrangementDay.objects.filter(
        user=user, is_active=True, date__range=(start, end)
    ).select_related("arrangement")
    return {
        d.date: f"{d.arrangement.get_kind_display()}, {d.arrangement.get_status_display()}"
        for d in days
    }


def month_usage(user: User, kind: str, start: dt.date, end: dt.date) -> dict[tuple[int, int], int]:
    """(year, month) → the days of this kind the person holds, over the months of a period."""
    first = start.replace(day=1)
    rows = (
        ArrangementDay.objects.filter(
            user=user,
            is_active=True,
            arrangement__kind=kind,
            date__gte=first,
            date__lte=end + dt.timedelta(days=31),
        )
        .annotate(y=ExtractYear("date"), m=ExtractMonth("date"))
        .values("y", "m")
        .annotate(n=Count("pk"))
    )
    return {(r["y"], r["m"]): r["n"] for r in rows}


def skipped_days_of(
    arrangement: Arrangement, calendar: WorkCalendar | None = None
) -> list[tuple[dt.date, str]]:
    """The days of the arrangement's period it skips (holidays, days off at its ends)."""
    pattern = (
        arrangement.weekdays or [int(k) for k in arrangement.daily_hours or {}] or WORKING_WEEKDAYS
    )
    calendar = calendar or work_calendar(arrangement.start_date, arrangement.end_date)
    return rules.skipped_days(arrangement.start_date, arrangement.end_date, pattern, calendar)


def arrangements_of(user: User, *, limit: int = 50):
    return (
        Arrangement.objects.filter(applicant=user)
        .select_related("center", "seat", "approval")
        .order_by("-start_date", "-pk")[:limit]
    )


def arrangements_with_days(user: User):
    """The person's arrangements, newest first, with their days and the days' seats."""
    return (
        Arrangement.objects.filter(applicant=user)
        .select_related("center", "seat", "approval")
        .prefetch_related(
            Prefetch(
                "days",
                queryset=ArrangementDay.objects.select_related("booking__seat").order_by("date"),
            )
        )
        .order_by("-start_date", "-pk")
    )


def arrangement_for(user: User, pk: int) -> Arrangement | None:
    """An arrangement the person may see: their own (managers read others' through approvals)."""
    return (
        Arrangement.objects.select_related("center", "seat", "approval", "applicant")
        .filter(pk=pk, applicant=user)
        .first()
    )


@dataclass
class MonthCell:
    date: dt.date
    in_month: bool
    is_today: bool
    holiday: str | None
    is_weekend: bool
    days: list[ArrangementDay] = field(default_factory=list)
    bookings: list = field(default_factory=list)
    away: list = field(default_factory=list)


def month_of(user: User, year: int, month: int, *, today: dt.date) -> list[list[MonthCell]]:
    """Weeks (Monday first) of the month with my arrangement days and seat bookings."""
    weeks = pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    start, end = weeks[0][0], weeks[-1][-1]
    cal = work_calendar(start, end)
    days = defaultdict(list)
    for day in (
        ArrangementDay.objects.filter(user=user, date__range=(start, end))
        .filter(Q(is_active=True) | Q(arrangement__status__in=[Status.RETURNED, Status.CANCELLED]))
        .select_related("arrangement", "arrangement__center", "arrangement__seat")
    ):
        days[day.date].append(day)
    bookings = centers.occupying_bookings_by_person_and_day([user.pk], start, end)
    away = away_selectors.away_between([user.pk], start, end)
    return [
        [
            MonthCell(
                date=d,
                in_month=d.month == month,
                is_today=d == today,
                holiday=cal.holiday_name(d),
                is_weekend=d.weekday() >= 5,
                days=days.get(d, []),
                bookings=[
                    b
                    for b in bookings.get((user.pk, d), [])
                    if not _booking_of_day(b, days.get(d, []))
                ],
                away=away.get((user.pk, d), []) if d.weekday() < 5 else [],
            )
            for d in week
        ]
        for week in weeks
    ]


def _booking_of_day(booking, days) -> bool:
    return any(day.booking_id == booking.pk for day in days)


# --- the team board -------------------------------------------------------------------------


def team_of(viewer: User) -> list[User]:
    """Who a person sees on the board: the units they head (and below), else their own team."""
    headed = departments_headed_by(viewer)
    if headed:
        people = members_of(headed)
    elif viewer.department_id:
        people = members_of([viewer.department])
    else:
        people = [viewer]
    if all(p.pk != viewer.pk for p in people):
        people = [viewer, *people]
    return people


@dataclass
class BoardCell:
    where: str  # office | home | center | away | off
    label: str = ""
    start: dt.time | None = None
    end: dt.time | None = None
    kind: str = ""
    kind_label: str = ""
    status: str = ""
    center: str = ""
    seat: str = ""
    # A smart-work day whose seat was released (no check-in) or cancelled.
    seat_released: bool = False
    # 근무상황: "연가", or "외출 14:00–16:00" for part of a day; its category (leave, trip,
    # training) when the person is away the whole day.
    away: str = ""
    away_category: str = ""


def _away_label(record) -> str:
    if record.is_part_of_day:
        return f"{record.kind} {record.start_time:%H:%M}–{record.end_time:%H:%M}"
    return str(record.kind)


def board(viewer: User, start: dt.date, end: dt.date) -> dict:
    """Where each person of the viewer's team works on each day from start to end."""
    people = team_of(viewer)
    ids = [p.pk for p in people]
    cal = work_calendar(start, end)
    dates = list(rules.dates_between(start, end))
    arranged: dict[tuple[int, dt.date], ArrangementDay] = {}
    for day in ArrangementDay.objects.filter(
        user_id__in=ids, date__range=(start, end), is_active=True
    ).select_related("arrangement__center", "arrangement__seat", "booking__seat__center"):
        arranged[(day.user_id, day.date)] = day
    bookings = centers.occupying_bookings_by_person_and_day(ids, start, end)
    away = away_selectors.away_between(ids, start, end)
    kinds = dict(Kind.choices)
    statuses = dict(Status.choices)
    rows = []
    for person in people:
        cells = []
        for date in dates:
            holiday = cal.holiday_name(date)
            day = arranged.get((person.pk, date))
            if date.weekday() >= 5 or (holiday and day is None):
                cells.append(BoardCell(where="off", label=holiday or ""))
                continue
            records = away.get((person.pk, date), [])
            whole_day = next((r for r in records if not r.is_part_of_day), None)
            if whole_day is not None:
                cells.append(
                    BoardCell(
                        where="away",
                        away=_away_label(whole_day),
                        away_category=whole_day.kind.category,
                        status=whole_day.status,
                        label=str(whole_day.get_status_display()),
                    )
                )
                continue
            cells.append(_working_cell(day, bookings.get((person.pk, date)), kinds, statuses))
            if records:
                cells[-1].away = ", ".join(_away_label(r) for r in records)
        rows.append({"person": person, "cells": cells})
    return {"dates": dates, "rows": rows}


def _working_cell(day, booked, kinds, statuses) -> BoardCell:
    """Where a person at work is: their arrangement, a seat they booked, or the office."""
    if day is not None:
        arrangement = day.arrangement
        cell = BoardCell(
            where={
                Kind.REMOTE_HOME: "home",
                Kind.SMART_WORK: "center",
            }.get(arrangement.kind, "office"),
            start=day.start_time,
            end=day.end_time,
            kind=arrangement.kind,
            kind_label=str(kinds[arrangement.kind]),
            status=arrangement.status,
            label=str(statuses[arrangement.status]),
        )
        seat = day.booking.seat if day.booking_id else arrangement.seat
        if arrangement.kind == Kind.SMART_WORK and seat is not None:
            cell.center = seat.center.short_name
            if day.booking_id and day.booking.status not in centers.OCCUPYING_STATUSES:
                cell.seat_released = True
            else:
                cell.seat = seat.label
        return cell
    if booked:
        first = booked[0]
        times = [b.seat.center.hours.slot_times(b.slot) for b in booked]
        return BoardCell(
            where="center",
            center=first.seat.center.short_name,
            seat=first.seat.label,
            start=min(t[0] for t in times),
            end=max(t[1] for t in times),
            status=first.status,
        )
    return BoardCell(where="office", start=rules.STANDARD_START, end=dt.time(18, 0))


# --- the calendar feed, exports and statistics ----------------------------------------------


def feed_days(user: User, *, since: dt.date):
    return (
        ArrangementDay.objects.filter(user=user, date__gte=since, is_active=True)
        .select_related("arrangement", "arrangement__seat__center", "booking__seat__center")
        .order_by("date")
    )


def export_rows(start: dt.date, end: dt.date):
    """Every pending or approved arrangement day in the period, for the personnel office."""
    return (
        ArrangementDay.objects.filter(date__range=(start, end), is_active=True)
        .select_related(
            "user__department",
            "user__position",
            "arrangement",
            "arrangement__approval",
            "booking__seat__center",
        )
        .order_by("date", "user__department__name", "user__full_name")
    )


def statistics(year: int) -> dict:
    """Approved arrangements of a year by kind, by division and by month (days counted)."""
    days = ArrangementDay.objects.filter(date__year=year, arrangement__status=Status.APPROVED)
    by_kind = dict(days.values_list("arrangement__kind").annotate(n=Count("pk")))
    by_month = {
        row["m"].month: row["n"]
        for row in days.annotate(m=TruncMonth("date")).values("m").annotate(n=Count("pk"))
    }
    by_department = list(
        days.values("user__department__name").annotate(n=Count("pk")).order_by("-n")[:15]
    )
    requests = (
        Arrangement.objects.filter(start_date__year=year).values("status").annotate(n=Count("pk"))
    )
    kinds = dict(Kind.choices)
    return {
        "by_kind": [(str(kinds[k]), by_kind.get(k, 0)) for k in kinds],
        "by_month": [(m, by_month.get(m, 0)) for m in range(1, 13)],
        "by_department": [
            (row["user__department__name"] or "—", row["n"]) for row in by_department
        ],
        "requests": {row["status"]: row["n"] for row in requests},
        "active_statuses": ACTIVE_STATUSES,
    }
