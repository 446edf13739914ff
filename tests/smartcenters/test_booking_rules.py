"""Every booking rule at its limit and one step across it."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied

from smartcenters import rules, services
from smartcenters.models import Booking, BookingRules
from tests.factories import UserFactory

from .factories import CenterFactory, ClosureFactory, SeatFactory, at

pytestmark = pytest.mark.django_db
MONDAY = date(2030, 3, 4)
NOW = at(MONDAY, 8)


def book(user=None, seat=None, day=MONDAY, slot=rules.FULL, now=NOW, **kwargs):
    return services.book_seat(
        user=user or UserFactory(),
        seat=seat or SeatFactory(),
        date=day,
        slot=slot,
        now=now,
        **kwargs,
    )


def test_booking_the_last_open_day_works():
    assert book(day=MONDAY + timedelta(days=14)).status == Booking.Status.CONFIRMED


def test_booking_one_day_beyond_the_window_is_refused():
    with pytest.raises(services.BookingRuleError) as err:
        book(day=MONDAY + timedelta(days=15))
    assert err.value.field == "date"


def test_admins_change_how_far_ahead_bookings_open():
    BookingRules.objects.update_or_create(pk=1, defaults={"days_ahead": 3})
    book(day=MONDAY + timedelta(days=3))
    with pytest.raises(services.BookingRuleError):
        book(day=MONDAY + timedelta(days=4))


def test_a_morning_can_be_booked_until_it_ends():
    assert book(slot=rules.AM, now=at(MONDAY, 12, 59))
    with pytest.raises(services.BookingRuleError) as err:
        book(slot=rules.AM, now=at(MONDAY, 13))
    assert err.value.field == "date"


def test_the_fifth_active_booking_is_allowed_and_the_sixth_refused():
    person = UserFactory()
    seat = SeatFactory()
    for offset in range(5):
        book(user=person, seat=seat, day=MONDAY + timedelta(days=offset))
    with pytest.raises(services.BookingRuleError) as err:
        book(user=person, seat=seat, day=MONDAY + timedelta(days=7))
    assert err.value.field == "non_field_errors"


def test_cancelled_bookings_do_not_count_towards_the_limit():
    person = UserFactory()
    seat = SeatFactory()
    first = book(user=person, seat=seat)
    for offset in range(1, 5):
        book(user=person, seat=seat, day=MONDAY + timedelta(days=offset))
    services.cancel_booking(booking=first, actor=person, now=NOW)
    assert book(user=person, seat=seat, day=MONDAY + timedelta(days=7))


def test_office_bookings_skip_the_window_and_the_limit():
    person = UserFactory()
    seat = SeatFactory()
    for offset in range(5):
        book(user=person, seat=seat, day=MONDAY + timedelta(days=offset))
    booking = book(
        user=person,
        seat=seat,
        day=MONDAY + timedelta(days=21),
        origin="closure",
        enforce_rules=False,
    )
    assert booking.origin == Booking.Origin.CLOSURE


def test_a_closed_center_cannot_be_booked_even_by_the_office():
    seat = SeatFactory()
    ClosureFactory(center=seat.center, starts_on=MONDAY, ends_on=MONDAY + timedelta(days=1))
    for enforce in (True, False):
        with pytest.raises(services.BookingRuleError) as err:
            book(seat=seat, enforce_rules=enforce)
        assert err.value.field == "date"
    assert book(seat=seat, day=MONDAY + timedelta(days=2))


def test_weekends_are_closed_unless_the_center_opens_then():
    saturday = MONDAY + timedelta(days=5)
    with pytest.raises(services.BookingRuleError):
        book(day=saturday)
    open_center = CenterFactory(opens_on_weekends=True)
    assert book(seat=SeatFactory(center=open_center), day=saturday)


def test_an_inactive_seat_or_center_cannot_be_booked():
    with pytest.raises(services.BookingRuleError) as err:
        book(seat=SeatFactory(is_active=False))
    assert err.value.field == "seat"
    with pytest.raises(services.BookingRuleError):
        book(seat=SeatFactory(center=CenterFactory(is_active=False)))


def test_a_held_booking_for_a_pending_request_keeps_the_seat():
    seat = SeatFactory()
    held = book(seat=seat, status="held", origin="arrangement")
    assert held.status == Booking.Status.HELD
    with pytest.raises(services.SeatTaken):
        book(seat=seat)


def test_seat_taken_offers_the_nearest_seat_of_the_same_center():
    center = CenterFactory()
    seat = SeatFactory(center=center, x=10, y=10)
    SeatFactory(center=center, x=80, y=50)
    near = SeatFactory(center=center, x=10, y=20)
    book(seat=seat)
    with pytest.raises(services.SeatTaken) as err:
        book(seat=seat)
    assert err.value.nearest_free_seat == near


def test_seat_taken_offers_another_center_when_this_one_is_full():
    full = CenterFactory(latitude=36.30, longitude=127.31)
    near_center = CenterFactory(latitude=36.31, longitude=127.31)
    CenterFactory(latitude=36.50, longitude=127.50)
    far_seat = SeatFactory(center=CenterFactory(latitude=36.60, longitude=127.60))
    seat = SeatFactory(center=full)
    offered = SeatFactory(center=near_center)
    book(seat=seat)
    with pytest.raises(services.SeatTaken) as err:
        book(seat=seat)
    assert err.value.nearest_free_seat == offered != far_seat


def test_person_already_booked_names_their_booking():
    person = UserFactory()
    mine = book(user=person, slot=rules.AM)
    with pytest.raises(services.PersonAlreadyBooked) as err:
        book(user=person, slot=rules.FULL)
    assert err.value.booking == mine


def test_cancel_up_to_the_deadline_and_not_a_minute_later():
    BookingRules.objects.update_or_create(pk=1, defaults={"cancel_deadline_minutes": 60})
    first = book(slot=rules.AM)
    assert (
        services.cancel_booking(booking=first, actor=first.user, now=at(MONDAY, 8)).status
        == "cancelled"
    )
    second = book(slot=rules.AM)
    with pytest.raises(services.BookingRuleError):
        services.cancel_booking(booking=second, actor=second.user, now=at(MONDAY, 8, 1))


def test_an_admin_cancels_after_the_deadline_and_the_holder_is_told(admin_user):
    booking = book(slot=rules.AM)
    services.cancel_booking(booking=booking, actor=admin_user, reason="점검", now=at(MONDAY, 10))
    assert booking.user.notifications.filter(title__isnull=False).count() == 1


def test_nobody_cancels_someone_elses_booking():
    booking = book()
    with pytest.raises(PermissionDenied):
        services.cancel_booking(booking=booking, actor=UserFactory(), now=NOW)
