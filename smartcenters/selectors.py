"""Reads for pages, the API and other apps: free seats, seat maps, bookings, occupancy figures."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import connection
from django.db.models import Count, Q, QuerySet

from core import clock
from core.workdays import work_calendar

from . import rules, sql
from .models import Booking, Center, CenterClosure, Seat, WaitlistEntry
from .rules import distance_km  # noqa: F401  (worktime places people by the same distance)

# A booking's statuses and origins as other apps name them (they never reach into our models).
BookingStatus = Booking.Status
BookingOrigin = Booking.Origin

# Statuses that count as a seat being used (or about to be): in the figures, and on a person's
# calendar as "at a center that day".
OCCUPYING_STATUSES = (
    BookingStatus.HELD,
    BookingStatus.CONFIRMED,
    BookingStatus.CHECKED_IN,
    BookingStatus.COMPLETED,
)


def closure_reasons(center_ids, day: date) -> dict[int, str]:
    """The reason of each center's own closure on `day`, for the centers closed that day."""
    return dict(
        CenterClosure.objects.filter(
            center_id__in=list(center_ids), starts_on__lte=day, ends_on__gte=day
        )
        .order_by("-starts_on")
        .values_list("center_id", "reason")
    )


def closed_reason(center: Center, day: date) -> str | None:
    """Why the center is closed on `day` (a closure, a holiday, the weekend), or None."""
    return rules.closed_reason(
        day,
        opens_on_weekends=center.opens_on_weekends,
        holiday=work_calendar(day, day).holiday_name(day),
        closure=closure_reasons([center.pk], day).get(center.pk),
    )


def is_center_open(center: Center, day: date) -> bool:
    return center.is_active and closed_reason(center, day) is None


def taken_seat_ids(day: date, slot: str, *, center: Center | None = None) -> set[int]:
    """Seats held by an active booking overlapping `slot` on `day`."""
    qs = Booking.objects.filter(
        date=day, slot__in=rules.overlapping_slots(slot), status__in=Booking.ACTIVE_STATUSES
    )
    if center is not None:
        qs = qs.filter(seat__center=center)
    return set(qs.values_list("seat_id", flat=True))


def free_seats(center: Center, day: date, slot: str) -> QuerySet[Seat]:
    """Active seats of an open center with no active booking overlapping the slot."""
    if not is_center_open(center, day):
        return Seat.objects.none()
    busy = Booking.objects.filter(
        date=day, slot__in=rules.overlapping_slots(slot), status__in=Booking.ACTIVE_STATUSES
    ).values("seat_id")
    return (
        Seat.objects.filter(center=center, is_active=True)
        .exclude(pk__in=busy)
        .select_related("center")
        .order_by("label")
    )


def centers_with_free_counts(day: date, slot: str) -> list[Center]:
    """Every active center with `total_seats`, `free_count`, `is_open` and `closed_reason` (why
    it is closed) for the day and slot."""
    centers = list(
        Center.objects.filter(is_active=True).annotate(
            total_seats=Count("seats", filter=Q(seats__is_active=True))
        )
    )
    taken_per_center = defaultdict(int)
    for row in (
        Booking.objects.filter(
            date=day,
            slot__in=rules.overlapping_slots(slot),
            status__in=Booking.ACTIVE_STATUSES,
            seat__is_active=True,
        )
        .values("seat__center_id")
        .annotate(n=Count("seat_id", distinct=True))
    ):
        taken_per_center[row["seat__center_id"]] = row["n"]
    closures = closure_reasons([c.pk for c in centers], day)
    holiday = work_calendar(day, day).holiday_name(day)
    for center in centers:
        center.closed_reason = rules.closed_reason(
            day,
            opens_on_weekends=center.opens_on_weekends,
            holiday=holiday,
            closure=closures.get(center.pk),
        )
        center.is_open = center.closed_reason is None
        center.free_count = (
            max(center.total_seats - taken_per_center[center.pk], 0) if center.is_open else 0
        )
    return centers


def seat_map(
    center: Center, day: date, slot: str, *, user=None, is_open: bool | None = None
) -> list[Seat]:
    """The center's active seats, each with `is_free` and `is_mine` for the day and slot.

    `is_open` when the caller already knows whether the center is open that day.
    """
    if is_open is None:
        is_open = is_center_open(center, day)
    bookings = Booking.objects.filter(
        seat__center=center,
        date=day,
        slot__in=rules.overlapping_slots(slot),
        status__in=Booking.ACTIVE_STATUSES,
    ).values_list("seat_id", "user_id")
    holders = defaultdict(set)
    for seat_id, user_id in bookings:
        holders[seat_id].add(user_id)
    seats = list(center.seats.filter(is_active=True).order_by("label"))
    for seat in seats:
        seat.is_free = is_open and seat.pk not in holders
        seat.is_mine = user is not None and user.pk in holders.get(seat.pk, ())
    return seats


def availability(
    center: Center, day: date, *, is_open: bool | None = None
) -> dict[str, dict[str, list[Seat]]]:
    """Per slot, the center's free and taken seats (for the API); `is_open` as for seat_map."""
    seats = list(center.seats.filter(is_active=True).order_by("label"))
    if is_open is None:
        is_open = is_center_open(center, day)
    result = {}
    for slot in rules.SLOTS:
        taken = taken_seat_ids(day, slot, center=center)
        result[slot] = {
            "free": [s for s in seats if is_open and s.pk not in taken],
            "taken": [s for s in seats if not is_open or s.pk in taken],
        }
    return result


def walk_in_slots(seat: Seat, *, now: datetime | None = None) -> list[tuple[str, str]]:
    """(slot, label) pairs the person at this seat may book and check into right now."""
    now = now or clock.now()
    day = rules.local_today(now)
    if not (seat.is_active and is_center_open(seat.center, day)):
        return []
    labels = dict(Booking._meta.get_field("slot").choices)
    return [
        (slot, labels[slot])
        for slot in rules.walk_in_slots(now, seat.center.hours)
        if seat.pk not in taken_seat_ids(day, slot, center=seat.center)
    ]


def centers_near(*, latitude: float, longitude: float) -> list[tuple[Center, float]]:
    """Active centers nearest first, with their distance in km from the point."""
    found = [
        (c, rules.distance_km(latitude, longitude, c.latitude, c.longitude))
        for c in Center.objects.filter(is_active=True)
    ]
    return sorted(found, key=lambda pair: pair[1])


def nearest_free_seat(
    *, seat: Seat, date: date, slot: str, exclude_seat_ids: tuple[int, ...] = ()
) -> Seat | None:
    """The free seat closest to `seat`: same center by floor-plan distance, else the nearest center.

    Centers closed that day by their own closure or the weekend are skipped; the caller has
    already refused a public or office holiday, when every center is closed.

    One query whatever the number of centers and seats: it answers every conflict under load.
    """
    excluded = {seat.pk, *exclude_seat_ids}
    with connection.cursor() as cursor:
        cursor.execute(sql.FREE_SEATS_SQL, sql.overlap_params(date, slot))
        rows = cursor.fetchall()
    here = seat.center
    seat_count = len(sql.SEAT_FIELDS)
    pk_at, label_at, x_at, y_at, center_at = (
        sql.SEAT_FIELDS.index(name) for name in ("id", "label", "x", "y", "center_id")
    )
    lat_at, lon_at, weekends_at = (
        seat_count + sql.CENTER_FIELDS.index(name)
        for name in ("latitude", "longitude", "opens_on_weekends")
    )
    best, best_key = None, None
    for row in rows:
        if row[pk_at] in excluded:
            continue
        if not rules.is_open_on(date, opens_on_weekends=row[weekends_at], closures=[]):
            continue
        if row[center_at] == here.pk:
            distance = rules.floor_distance((row[x_at], row[y_at]), (seat.x, seat.y))
            key = (0.0, distance, row[label_at])
        else:
            km = rules.distance_km(here.latitude, here.longitude, row[lat_at], row[lon_at])
            key = (1.0 + km, 0.0, row[label_at])
        if best_key is None or key < best_key:
            best, best_key = row, key
    return sql.seat_from_row(iter(best)) if best is not None else None


def bookings_of(user, *, upcoming_only: bool = False, today: date | None = None) -> QuerySet:
    """A person's bookings, newest day first; `upcoming_only` keeps active ones from today on."""
    qs = Booking.objects.filter(user=user).select_related("seat__center")
    if upcoming_only:
        today = today or clock.today()
        qs = qs.filter(date__gte=today, status__in=Booking.ACTIVE_STATUSES).order_by("date", "slot")
    else:
        qs = qs.order_by("-date", "slot")
    return qs


def active_booking_of(user, day: date, slot: str) -> Booking | None:
    """The person's active booking overlapping the slot, if any (e.g. to avoid duplicates)."""
    return (
        Booking.objects.filter(
            user=user,
            date=day,
            slot__in=rules.overlapping_slots(slot),
            status__in=Booking.ACTIVE_STATUSES,
        )
        .select_related("seat__center")
        .first()
    )


def waitlist_of(user, *, today: date | None = None) -> QuerySet[WaitlistEntry]:
    """The places the person still waits in, from today on."""
    today = today or clock.today()
    return WaitlistEntry.objects.filter(
        user=user, date__gte=today, fulfilled_booking__isnull=True
    ).select_related("center")


def booking_to_check_in(*, user, seat: Seat, now: datetime | None = None) -> Booking | None:
    """The person's booking at this seat today that the QR code should check in now."""
    now = now or clock.now()
    today = rules.local_today(now)
    candidates = list(
        Booking.objects.filter(
            user=user, seat=seat, date=today, status__in=Booking.ACTIVE_STATUSES
        ).select_related("seat__center")
    )
    if not candidates:
        return None
    # The slot that is running (or starts next) comes first.
    return min(candidates, key=lambda b: (b.ends_at <= now, b.starts_at))


@dataclass
class CenterDay:
    center: Center
    day: date
    seats: int
    booked_halfdays: int
    no_shows: int

    @property
    def occupancy(self) -> float:
        capacity = self.seats * 2
        return self.booked_halfdays / capacity if capacity else 0.0


def occupancy_by_center_and_day(start: date, end: date) -> list[CenterDay]:
    """Half-days booked per center and day (bookings not cancelled or released), with no-shows."""
    centers = list(
        Center.objects.filter(is_active=True).annotate(
            total_seats=Count("seats", filter=Q(seats__is_active=True))
        )
    )
    booked = defaultdict(int)
    no_shows = defaultdict(int)
    rows = (
        Booking.objects.filter(date__gte=start, date__lte=end)
        .filter(Q(status__in=OCCUPYING_STATUSES) | Q(is_no_show=True))
        .values("seat__center_id", "date", "slot", "is_no_show")
        .annotate(n=Count("id"))
    )
    for row in rows:
        key = (row["seat__center_id"], row["date"])
        if row["is_no_show"]:
            no_shows[key] += row["n"]
        else:
            booked[key] += row["n"] * (2 if row["slot"] == rules.FULL else 1)
    result = []
    day = start
    while day <= end:
        for center in centers:
            if day.weekday() < 5 or center.opens_on_weekends:
                result.append(
                    CenterDay(
                        center,
                        day,
                        center.total_seats,
                        booked[(center.pk, day)],
                        no_shows[(center.pk, day)],
                    )
                )
        day += timedelta(days=1)
    return result


def occupancy_by_center(rows: list[CenterDay]) -> list[dict]:
    per_center: dict[int, dict] = {}
    for row in rows:
        entry = per_center.setdefault(
            row.center.pk, {"center": row.center, "booked": 0, "capacity": 0, "no_shows": 0}
        )
        entry["booked"] += row.booked_halfdays
        entry["capacity"] += row.seats * 2
        entry["no_shows"] += row.no_shows
    for entry in per_center.values():
        entry["occupancy"] = entry["booked"] / entry["capacity"] if entry["capacity"] else 0.0
    return sorted(per_center.values(), key=lambda e: e["center"].name)


def occupancy_by_day(rows: list[CenterDay]) -> list[dict]:
    per_day: dict[date, dict] = {}
    for row in rows:
        entry = per_day.setdefault(row.day, {"day": row.day, "booked": 0, "capacity": 0})
        entry["booked"] += row.booked_halfdays
        entry["capacity"] += row.seats * 2
    for entry in per_day.values():
        entry["occupancy"] = entry["booked"] / entry["capacity"] if entry["capacity"] else 0.0
    return [per_day[d] for d in sorted(per_day)]


def busiest_days(rows: list[CenterDay], limit: int = 5) -> list[dict]:
    days = [d for d in occupancy_by_day(rows) if d["booked"]]
    return sorted(days, key=lambda d: (-d["occupancy"], d["day"]))[:limit]


def no_show_rate(start: date, end: date) -> tuple[int, int, float]:
    """(no-shows, bookings that were due to be used, rate) over days in [start, end]."""
    qs = Booking.objects.filter(date__gte=start, date__lte=end)
    no_shows = qs.filter(is_no_show=True).count()
    used = qs.filter(status__in=(BookingStatus.CHECKED_IN, BookingStatus.COMPLETED)).count()
    due = no_shows + used
    return no_shows, due, (no_shows / due if due else 0.0)


def active_centers() -> QuerySet[Center]:
    return Center.objects.filter(is_active=True)


def active_seats() -> QuerySet[Seat]:
    """Seats open for booking, with their center (whose own switch the caller may check)."""
    return Seat.objects.filter(is_active=True).select_related("center")


def center_named(short_name: str) -> Center | None:
    """The center of that short name, or else any center (demo data picks one this way)."""
    return Center.objects.filter(short_name=short_name).first() or Center.objects.first()


def occupying_bookings_by_person_and_day(
    user_ids, start: date, end: date
) -> dict[tuple[int, date], list[Booking]]:
    """The bookings that put each person at a center on each day of the range, in slot order."""
    result: dict[tuple[int, date], list[Booking]] = defaultdict(list)
    for booking in (
        Booking.objects.filter(
            user__in=user_ids, date__range=(start, end), status__in=OCCUPYING_STATUSES
        )
        .select_related("seat__center")
        .order_by("date", "slot")
    ):
        result[(booking.user_id, booking.date)].append(booking)
    return result


def self_bookings_since(user, *, since: date) -> QuerySet[Booking]:
    """Seat bookings the person made themself (an arrangement's seats are in its days)."""
    return (
        Booking.objects.filter(
            user=user,
            date__gte=since,
            status__in=(
                BookingStatus.CONFIRMED,
                BookingStatus.CHECKED_IN,
                BookingStatus.COMPLETED,
            ),
            origin=BookingOrigin.SELF,
        )
        .select_related("seat__center")
        .order_by("date")
    )
