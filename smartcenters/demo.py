"""Demo centers, seats and a month of bookings for `seed_demo`: idempotent, deterministic."""

import random
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction

from core import clock
from core.workdays import public_holiday_name

from . import rules
from .models import Booking, BookingRules, Center, Seat

# The five centers of the district (Yuseong-gu, Daejeon): name, short name, address, lat, lon, seats.
CENTERS = [
    (
        "진잠도서관 스마트워크센터",
        "진잠",
        "대전광역시 유성구 원내로 1 진잠도서관 2층",
        36.2995,
        127.3176,
        10,
    ),
    (
        "노은도서관 스마트워크센터",
        "노은",
        "대전광역시 유성구 노은동로 86 노은도서관 3층",
        36.3727,
        127.3178,
        14,
    ),
    (
        "유성도서관 스마트워크센터",
        "유성",
        "대전광역시 유성구 어은로 27 유성도서관 2층",
        36.3636,
        127.3572,
        14,
    ),
    (
        "유성구 보건소 스마트워크센터",
        "보건소",
        "대전광역시 유성구 월드컵대로 14 유성구 보건소 4층",
        36.3549,
        127.3404,
        10,
    ),
    (
        "구즉동 행정복지센터 스마트워크센터",
        "구즉동",
        "대전광역시 유성구 봉산로 45 구즉동 행정복지센터 3층",
        36.4297,
        127.3906,
        12,
    ),
]
COLUMNS = 5


def _seat_specs(count: int) -> list[dict]:
    """Desks in rows of five; the back row is the quiet zone, every third desk has a PC."""
    rows = (count + COLUMNS - 1) // COLUMNS
    specs = []
    for i in range(count):
        row, col = divmod(i, COLUMNS)
        specs.append(
            {
                "label": f"{chr(ord('A') + row)}{col + 1}",
                "x": 6 + col * 18,
                "y": 8 + row * 16,
                "has_monitor": i % 4 != 3,
                "has_desktop": i % 3 == 0,
                "has_phone": col == 0,
                "is_quiet": row == rows - 1,
            }
        )
    return specs


def seed(stdout=None) -> None:
    with transaction.atomic():
        BookingRules.load()
        centers = []
        for name, short, address, lat, lon, seats in CENTERS:
            center, _ = Center.objects.update_or_create(
                name=name,
                defaults={
                    "short_name": short,
                    "address": address,
                    "latitude": lat,
                    "longitude": lon,
                    "floor_plan_height": 8 + ((seats + COLUMNS - 1) // COLUMNS) * 16,
                },
            )
            for spec in _seat_specs(seats):
                label = spec.pop("label")
                Seat.objects.update_or_create(center=center, label=label, defaults=spec)
            centers.append(center)
        made = _seed_bookings(centers)
    if stdout is not None:
        stdout.write(
            f"smartcenters: {len(centers)} centers, {Seat.objects.count()} seats, {made} bookings added"
        )


def _seed_bookings(centers: list[Center]) -> int:
    """A month of history (check-ins and a few no-shows) and a little of next week, once."""
    if Booking.objects.exists():
        return 0
    people = list(
        get_user_model()
        .objects.filter(username__startswith="staff")
        .exclude(username="staff001")
        .order_by("username")
    )
    if not people:
        return 0
    randomiser = random.Random(6)
    today = clock.today()
    seats_by_center = {c.pk: list(c.seats.filter(is_active=True)) for c in centers}
    bookings = []
    for offset in range(-30, 6):
        day = today + timedelta(days=offset)
        if day.weekday() >= 5 or offset == 0 or public_holiday_name(day):
            continue
        free_people = people[:]
        randomiser.shuffle(free_people)
        for center in centers:
            seats = seats_by_center[center.pk]
            share = randomiser.uniform(0.3, 0.9) if offset < 0 else randomiser.uniform(0.1, 0.4)
            for seat in randomiser.sample(seats, round(len(seats) * share)):
                if not free_people:
                    break
                slot = randomiser.choice([rules.FULL, rules.FULL, rules.AM, rules.PM])
                booking = Booking(
                    user=free_people.pop(),
                    seat=seat,
                    date=day,
                    slot=slot,
                    origin=Booking.Origin.SELF,
                )
                if offset > 0:
                    booking.status = Booking.Status.CONFIRMED
                elif randomiser.random() < 0.12:
                    booking.status = Booking.Status.RELEASED
                    booking.is_no_show = True
                    booking.released_at = rules.slot_start(day, slot) + timedelta(hours=1)
                    booking.end_reason = "no-show"
                else:
                    booking.status = Booking.Status.COMPLETED
                    start = rules.slot_start(day, slot)
                    booking.checked_in_at = start + timedelta(minutes=randomiser.randint(-20, 50))
                bookings.append(booking)
    created = Booking.objects.bulk_create(bookings)
    # Booked some days before, as people do.
    for booking in created:
        made_at = datetime.combine(booking.date, time(8), tzinfo=rules.SEOUL) - timedelta(
            days=randomiser.randint(1, 10)
        )
        Booking.objects.filter(pk=booking.pk).update(created_at=made_at)
    return len(created)
