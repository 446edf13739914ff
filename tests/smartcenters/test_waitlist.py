"""The waitlist: when a seat frees up the first person waiting gets it and is told."""

from datetime import date

import pytest

from smartcenters import rules, services
from smartcenters.models import Booking, WaitlistEntry
from tests.factories import UserFactory

from .factories import CenterFactory, SeatFactory, at

pytestmark = pytest.mark.django_db
MONDAY = date(2030, 3, 4)
NOW = at(MONDAY, 7)


@pytest.fixture
def full_center():
    center = CenterFactory()
    seat = SeatFactory(center=center)
    holder = services.book_seat(
        user=UserFactory(), seat=seat, date=MONDAY, slot=rules.FULL, now=NOW
    )
    return center, holder


def wait(center, slot=rules.FULL, user=None):
    return services.join_waitlist(
        user=user or UserFactory(), center=center, date=MONDAY, slot=slot, now=NOW
    )


def test_first_waiting_person_gets_the_freed_seat_and_is_told(full_center):
    center, holder = full_center
    first, second = wait(center), wait(center)
    services.cancel_booking(booking=holder, actor=holder.user, now=NOW)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.fulfilled_booking.seat == holder.seat
    assert first.fulfilled_booking.status == Booking.Status.CONFIRMED
    assert first.user.notifications.count() == 1
    assert second.is_waiting


def test_a_no_show_release_serves_the_waitlist(full_center):
    center, holder = full_center
    entry = wait(center, slot=rules.PM)
    services.release_unchecked_bookings(now=at(MONDAY, 10, 1))
    entry.refresh_from_db()
    assert entry.fulfilled_booking.slot == rules.PM


def test_a_freed_morning_goes_to_a_morning_waiter_not_a_whole_day_one():
    center = CenterFactory()
    seat = SeatFactory(center=center)
    morning = services.book_seat(user=UserFactory(), seat=seat, date=MONDAY, slot=rules.AM, now=NOW)
    services.book_seat(user=UserFactory(), seat=seat, date=MONDAY, slot=rules.PM, now=NOW)
    whole_day, am_only = wait(center, rules.FULL), wait(center, rules.AM)
    services.cancel_booking(booking=morning, actor=morning.user, now=NOW)
    whole_day.refresh_from_db()
    am_only.refresh_from_db()
    assert whole_day.is_waiting
    assert am_only.fulfilled_booking.slot == rules.AM


def test_joining_is_refused_while_seats_are_free():
    center = CenterFactory()
    SeatFactory(center=center)
    with pytest.raises(services.BookingRuleError):
        wait(center)


def test_joining_twice_keeps_one_place(full_center):
    center, _holder = full_center
    person = UserFactory()
    assert wait(center, user=person) == wait(center, user=person)
    assert WaitlistEntry.objects.filter(user=person).count() == 1


def test_a_waiter_who_booked_elsewhere_is_skipped(full_center):
    center, holder = full_center
    busy, free = UserFactory(), UserFactory()
    busy_entry, free_entry = wait(center, user=busy), wait(center, user=free)
    services.book_seat(user=busy, seat=SeatFactory(), date=MONDAY, slot=rules.AM, now=NOW)
    services.cancel_booking(booking=holder, actor=holder.user, now=NOW)
    busy_entry.refresh_from_db()
    free_entry.refresh_from_db()
    assert busy_entry.is_waiting
    assert free_entry.fulfilled_booking is not None
