"""Booking rules that need no database: slot times, half-day ranges, deadlines and distances."""

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.workdays import public_holiday_name

SEOUL = ZoneInfo("Asia/Seoul")

AM, PM, FULL = "am", "pm", "full"
SLOTS = (AM, PM, FULL)
DAY_OPENS = time(9, 0)
MIDDAY = time(13, 0)
DAY_CLOSES = time(18, 0)


@dataclass(frozen=True)
class Hours:
    """A center's opening hours; the morning ends and the afternoon begins at `midday`.

    Bookings store only the day and the half (the exclusion constraints compare half-day
    numbers, see HALFDAYS_SQL), so the times follow the center's hours as they are now:
    changing them moves every booking's times and breaks no constraint.
    """

    opens: time = DAY_OPENS
    midday: time = MIDDAY
    closes: time = DAY_CLOSES

    def slot_times(self, slot: str) -> tuple[time, time]:
        return {
            AM: (self.opens, self.midday),
            PM: (self.midday, self.closes),
            FULL: (self.opens, self.closes),
        }[slot]


STANDARD_HOURS = Hours()

DEFAULT_DAYS_AHEAD = 14
DEFAULT_MAX_ACTIVE_BOOKINGS = 5
DEFAULT_CANCEL_DEADLINE_MINUTES = 0
DEFAULT_CHECKIN_DEADLINE_MINUTES = 60
# The QR code works from this long before the slot starts (people arrive early).
CHECKIN_OPENS_MINUTES_BEFORE = 30

# The generated column behind the exclusion constraints: [first, last+1) half-day numbers,
# where a day's morning is toordinal()*2 and its afternoon toordinal()*2 + 1.
HALFDAYS_SQL = (
    "int4range("
    "((\"date\" - DATE '0001-01-01') + 1) * 2 + (CASE WHEN \"slot\" = 'pm' THEN 1 ELSE 0 END), "
    "((\"date\" - DATE '0001-01-01') + 1) * 2 + (CASE WHEN \"slot\" = 'am' THEN 1 ELSE 2 END))"
)


def halfdays(day: date, slot: str) -> tuple[int, int]:
    """The half-open range [lower, upper) of half-days a slot covers, as the database computes it."""
    base = day.toordinal() * 2
    return {AM: (base, base + 1), PM: (base + 1, base + 2), FULL: (base, base + 2)}[slot]


def slots_overlap(a: str, b: str) -> bool:
    return a == b or FULL in (a, b)


def overlapping_slots(slot: str) -> tuple[str, ...]:
    """The slots that share time with `slot` (a morning collides with mornings and whole days)."""
    return SLOTS if slot == FULL else (slot, FULL)


def slot_start(day: date, slot: str, hours: Hours = STANDARD_HOURS) -> datetime:
    return datetime.combine(day, hours.slot_times(slot)[0], tzinfo=SEOUL)


def slot_end(day: date, slot: str, hours: Hours = STANDARD_HOURS) -> datetime:
    return datetime.combine(day, hours.slot_times(slot)[1], tzinfo=SEOUL)


def local_today(now: datetime) -> date:
    return now.astimezone(SEOUL).date()


def walk_in_slots(now: datetime, hours: Hours = STANDARD_HOURS) -> tuple[str, ...]:
    """Slots a person standing at a free seat may book and check into at once.

    Those whose check-in has opened and that have not ended; once the afternoon has begun,
    only the afternoon (a whole day would claim a morning that is over).
    """
    local = now.astimezone(SEOUL)
    day = local.date()
    found = []
    for slot in (AM, PM, FULL):
        opens = slot_start(day, slot, hours) - timedelta(minutes=CHECKIN_OPENS_MINUTES_BEFORE)
        if opens <= local < slot_end(day, slot, hours):
            found.append(slot)
    if local >= slot_start(day, PM, hours) and FULL in found:
        found.remove(FULL)
    return tuple(found)


def default_booking_day(now: datetime, *, opens_on_weekends: bool = False) -> date:
    """The day a booking page opens on: today until the day closes, else the next working day.

    Public holidays are skipped too: every center is closed on them.
    """
    day = local_today(now)
    if now.astimezone(SEOUL).time() >= DAY_CLOSES:
        day += timedelta(days=1)
    while (not opens_on_weekends and day.weekday() >= 5) or public_holiday_name(day):
        day += timedelta(days=1)
    return day


@dataclass(frozen=True)
class RuleViolation:
    field: str
    message: str


def check_booking_window(
    *, day: date, slot: str, now: datetime, days_ahead: int, hours: Hours = STANDARD_HOURS
) -> RuleViolation | None:
    """A slot that has ended cannot be booked; nor can one beyond `days_ahead` days from today."""
    if slot_end(day, slot, hours) <= now:
        return RuleViolation("date", _("That time has already passed."))
    last_day = local_today(now) + timedelta(days=days_ahead)
    if day > last_day:
        return RuleViolation(
            "date",
            _("Bookings open %(days)s days ahead: the last day you can book now is %(day)s.")
            % {"days": days_ahead, "day": last_day.isoformat()},
        )
    return None


def is_open_on(day: date, *, opens_on_weekends: bool, closures: list[tuple[date, date]]) -> bool:
    if not opens_on_weekends and day.weekday() >= 5:
        return False
    return not any(start <= day <= end for start, end in closures)


def closed_reason(
    day: date, *, opens_on_weekends: bool, holiday: str | None = None, closure: str | None = None
) -> str | None:
    """Why a center is closed on a day, in a few words, or None when it is open.

    Its own closure (e.g. the library's inventory day) first, then a public or office holiday
    (every center follows the office's calendar), then the weekend unless it opens on weekends.
    """
    if closure:
        return closure
    if holiday:
        return holiday
    if not opens_on_weekends and day.weekday() >= 5:
        return date_format(day, "l")
    return None


def closed_message(center_name: str, day: date, reason: str) -> str:
    return _("%(center)s is closed on %(day)s (%(reason)s): choose another day or center.") % {
        "center": center_name,
        "day": date_format(day, "SHORT_DATE_FORMAT"),
        "reason": reason,
    }


def cancel_deadline(day: date, slot: str, minutes: int, hours: Hours = STANDARD_HOURS) -> datetime:
    return slot_start(day, slot, hours) - timedelta(minutes=minutes)


def checkin_window(
    day: date, slot: str, deadline_minutes: int, hours: Hours = STANDARD_HOURS
) -> tuple[datetime, datetime]:
    """From when to when the seat's QR code checks a booking in."""
    start = slot_start(day, slot, hours)
    return (
        start - timedelta(minutes=CHECKIN_OPENS_MINUTES_BEFORE),
        start + timedelta(minutes=deadline_minutes),
    )


def floor_distance(a: tuple[int, int], b: tuple[int, int]) -> float:
    return math.hypot(a[0] - b[0], a[1] - b[1])


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine); plenty for a district a few kilometres wide."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))
