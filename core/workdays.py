"""The office's working days: weekends, Korean public and substitute holidays, office holidays.

One calendar for the whole portal: flexible-work requests skip the days it says are not worked
and the smart-work centers are closed on them. Office holidays are kept by the flexible-work
app, which registers their model here (`register_office_holidays`): imports point from
worktime to smartcenters, never back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import holidays
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

WORKING_WEEKDAYS = (0, 1, 2, 3, 4)

# The model of the office's own holidays: a unique `date` and a `name` (worktime's).
_office_holidays = None


@lru_cache(maxsize=64)
def _public_holidays(year: int, language: str) -> dict[dt.date, str]:
    # The `holidays` library carries Korean public holidays and substitute holidays (대체공휴일).
    return dict(holidays.KR(years=year, language=language).items())


def public_holiday_name(day: dt.date) -> str | None:
    language = "ko" if (get_language() or "ko").startswith("ko") else "en_US"
    return _public_holidays(day.year, language).get(day)


def fmt_date(day: dt.date) -> str:
    return day.isoformat()


@dataclass(frozen=True)
class WorkCalendar:
    """Working days: Monday to Friday, minus Korean public holidays and office holidays."""

    office_holidays: Mapping[dt.date, str] = field(default_factory=dict)

    def holiday_name(self, day: dt.date) -> str | None:
        if day in self.office_holidays:
            return self.office_holidays[day]
        return public_holiday_name(day)

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() in WORKING_WEEKDAYS and self.holiday_name(day) is None

    def why_not_working(self, day: dt.date) -> str | None:
        """A sentence saying why a day is not a working day, or None when it is one."""
        if day.weekday() == 5:
            return _("%(date)s is a Saturday.") % {"date": fmt_date(day)}
        if day.weekday() == 6:
            return _("%(date)s is a Sunday.") % {"date": fmt_date(day)}
        if day in self.office_holidays:
            return _("%(date)s is an office holiday (%(name)s).") % {
                "date": fmt_date(day),
                "name": self.office_holidays[day],
            }
        name = self.holiday_name(day)
        if name:
            return _("%(date)s is a public holiday (%(name)s).") % {
                "date": fmt_date(day),
                "name": name,
            }
        return None

    def day_off_name(self, day: dt.date) -> str | None:
        """What a day off is called (the holiday's name, else the weekday), None on working days."""
        name = self.holiday_name(day)
        if name:
            return name
        if day.weekday() not in WORKING_WEEKDAYS:
            return date_format(day, "l")
        return None

    def skipped_label(self, day: dt.date) -> str:
        """A skipped day as people write it: "12월 25일 (기독탄신일)"."""
        return f"{date_format(day, 'MONTH_DAY_FORMAT')} ({self.day_off_name(day) or ''})"


def register_office_holidays(model) -> None:
    """Tell the calendar which model keeps the office holidays (called from an app's ready())."""
    global _office_holidays
    _office_holidays = model


def office_holidays_model():
    """The registered model of the office holidays, or None while no app has registered one."""
    return _office_holidays


def work_calendar(start: dt.date | None = None, end: dt.date | None = None) -> WorkCalendar:
    """The calendar with the office holidays between start and end (all of them without both)."""
    if _office_holidays is None:
        return WorkCalendar()
    found = _office_holidays.objects.all()
    if start and end:
        found = found.filter(date__range=(start, end))
    return WorkCalendar(office_holidays=dict(found.values_list("date", "name")))
