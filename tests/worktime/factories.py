"""Factories and helpers for flexible-work tests: people in a team, working days, seats."""

import datetime as dt

from accounts import roles
from approvals import services as approvals
from core import clock
from core.workdays import work_calendar
from tests.conftest import enrol_totp
from tests.factories import UserFactory, org_tree
from tests.smartcenters.factories import CenterFactory, SeatFactory
from worktime import services

__all__ = [
    "CenterFactory",
    "SeatFactory",
    "next_working_day",
    "returned_staggered",
    "team_member",
    "working_day",
]


def working_day(
    days_ahead: int = 2, *, weekday: int | None = None, today: dt.date | None = None
) -> dt.date:
    """The first working day (no weekend, no holiday) at least `days_ahead` from `today` (the
    office's date by default)."""
    day = (today or clock.today()) + dt.timedelta(days=days_ahead)
    calendar = work_calendar()
    while not calendar.is_working_day(day) or (weekday is not None and day.weekday() != weekday):
        day += dt.timedelta(days=1)
    return day


def next_working_day(after: dt.date) -> dt.date:
    """The first working day after `after`, whatever today is."""
    return working_day(1, today=after)


def team_member(**kwargs):
    """A staff member of a team with a lead, a division chief and a director: (person, lead)."""
    team, lead, chief, _director = org_tree()
    person = UserFactory(role=roles.STAFF, department=team, **kwargs)
    enrol_totp(lead)
    enrol_totp(chief)
    return person, lead, chief


def returned_staggered(person, lead, *, start="10:00", reason="10시는 안 됩니다. 8시로 해 주세요."):
    """A late start of `person`, returned (반려) by their team lead with `reason`."""
    day = working_day(3)
    arrangement = services.request_arrangement(
        applicant=person,
        kind="staggered",
        start_date=day,
        end_date=day,
        start_time=dt.time.fromisoformat(start),
        reason="아이 등원 후 출근",
    )
    approvals.return_(document=arrangement.approval, actor=lead, reason=reason)
    arrangement.refresh_from_db()
    return arrangement
