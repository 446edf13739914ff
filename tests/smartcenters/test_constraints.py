"""No double booking, proved through real concurrent PostgreSQL connections."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction

from smartcenters import rules, services
from smartcenters.models import Booking
from tests.factories import UserFactory

from .factories import CenterFactory, SeatFactory, at

THREADS = 40
MONDAY = date(2030, 3, 4)


def _race(calls):
    """Run each call in its own thread and database connection, all released at one instant."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        try:
            barrier.wait(timeout=30)
            return call()
        except Exception as exc:  # the outcome under test
            return exc
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


@pytest.mark.django_db(transaction=True)
def test_forty_people_booking_one_seat_at_once_exactly_one_wins():
    center = CenterFactory()
    seat = SeatFactory(center=center, x=10, y=10)
    neighbour = SeatFactory(center=center, x=12, y=10)
    SeatFactory(center=center, x=90, y=50)
    people = [UserFactory() for _ in range(THREADS)]
    day = MONDAY
    now = at(day, 8)

    outcomes = _race(
        [
            lambda person=person: services.book_seat(
                user=person, seat=seat, date=day, slot=rules.FULL, now=now
            )
            for person in people
        ]
    )

    wins = [o for o in outcomes if isinstance(o, Booking)]
    taken = [o for o in outcomes if isinstance(o, services.SeatTaken)]
    assert len(wins) == 1
    assert len(taken) == THREADS - 1, [
        o for o in outcomes if not isinstance(o, Booking | services.SeatTaken)
    ]
    assert all(o.nearest_free_seat == neighbour for o in taken)
    assert Booking.objects.filter(seat=seat, status__in=Booking.ACTIVE_STATUSES).count() == 1


@pytest.mark.django_db(transaction=True)
def test_overlapping_half_days_race_morning_against_whole_day():
    seat = SeatFactory()
    day = MONDAY
    now = at(day, 8)
    people = [UserFactory() for _ in range(THREADS)]
    slots = [rules.AM, rules.PM, rules.FULL, rules.FULL] * (THREADS // 4)

    outcomes = _race(
        [
            lambda person=person, slot=slot: services.book_seat(
                user=person, seat=seat, date=day, slot=slot, now=now
            )
            for person, slot in zip(people, slots, strict=True)
        ]
    )

    wins = [o for o in outcomes if isinstance(o, Booking)]
    covered = sorted(h for b in wins for h in range(*rules.halfdays(b.date, b.slot)))
    assert covered == sorted(set(covered)), "a half-day was booked twice"
    assert 1 <= len(wins) <= 2
    assert all(isinstance(o, Booking | services.SeatTaken) for o in outcomes), [
        repr(o) for o in outcomes if not isinstance(o, Booking | services.SeatTaken)
    ]


@pytest.mark.django_db(transaction=True)
def test_one_person_booking_many_seats_at_once_gets_one():
    center = CenterFactory()
    seats = [SeatFactory(center=center) for _ in range(10)]
    person = UserFactory()
    day = MONDAY
    now = at(day, 8)

    outcomes = _race(
        [
            lambda seat=seat: services.book_seat(
                user=person, seat=seat, date=day, slot=rules.AM, now=now
            )
            for seat in seats
        ]
    )

    wins = [o for o in outcomes if isinstance(o, Booking)]
    assert len(wins) == 1
    others = [o for o in outcomes if not isinstance(o, Booking)]
    assert all(isinstance(o, services.PersonAlreadyBooked) for o in others), others
    assert all(o.booking == wins[0] for o in others)


@pytest.mark.django_db
def test_database_refuses_a_double_booking_that_skips_the_service():
    seat = SeatFactory()
    day = MONDAY
    Booking.objects.create(user=UserFactory(), seat=seat, date=day, slot=rules.FULL)
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(user=UserFactory(), seat=seat, date=day, slot=rules.PM)


@pytest.mark.django_db
def test_database_refuses_one_person_on_two_seats_at_once():
    person = UserFactory()
    day = MONDAY
    Booking.objects.create(user=person, seat=SeatFactory(), date=day, slot=rules.AM)
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(user=person, seat=SeatFactory(), date=day, slot=rules.FULL)


@pytest.mark.django_db
def test_morning_and_afternoon_of_one_seat_are_two_bookings():
    seat = SeatFactory()
    day = MONDAY
    now = at(day, 8)
    services.book_seat(user=UserFactory(), seat=seat, date=day, slot=rules.AM, now=now)
    services.book_seat(user=UserFactory(), seat=seat, date=day, slot=rules.PM, now=now)
    assert Booking.objects.filter(seat=seat).count() == 2


@pytest.mark.django_db
def test_a_cancelled_booking_no_longer_holds_the_seat():
    seat = SeatFactory()
    day = MONDAY
    now = at(day, 8)
    first = services.book_seat(user=UserFactory(), seat=seat, date=day, slot=rules.FULL, now=now)
    services.cancel_booking(booking=first, actor=first.user, now=now)
    second = services.book_seat(user=UserFactory(), seat=seat, date=day, slot=rules.AM, now=now)
    assert second.status == Booking.Status.CONFIRMED


@pytest.mark.django_db
def test_database_computes_the_half_day_range():
    day = MONDAY
    booking = Booking.objects.create(
        user=UserFactory(), seat=SeatFactory(), date=day, slot=rules.PM
    )
    booking.refresh_from_db()
    assert (booking.halfdays.lower, booking.halfdays.upper) == rules.halfdays(day, rules.PM)
