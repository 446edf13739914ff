"""Check-in from the QR code; the beat job releases seats nobody checked into."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from smartcenters import rules, services, tasks
from smartcenters.models import Booking, BookingRules
from smartcenters.signals import booking_ended
from tests.factories import UserFactory

from .factories import SeatFactory, at

pytestmark = pytest.mark.django_db
MONDAY = date(2030, 3, 4)


def booking(slot=rules.AM, **kwargs):
    return services.book_seat(
        user=UserFactory(), seat=SeatFactory(), date=MONDAY, slot=slot, now=at(MONDAY, 7), **kwargs
    )


def test_check_in_opens_thirty_minutes_before_the_start():
    b = booking()
    with pytest.raises(services.BookingRuleError):
        services.check_in(
            booking=b, actor=b.user, token=b.seat.checkin_token, now=at(MONDAY, 8, 29)
        )
    checked = services.check_in(
        booking=b, actor=b.user, token=b.seat.checkin_token, now=at(MONDAY, 8, 30)
    )
    assert checked.status == Booking.Status.CHECKED_IN
    assert checked.checked_in_at == at(MONDAY, 8, 30)


def test_check_in_at_the_deadline_works_a_minute_later_does_not():
    on_time, late = booking(), booking()
    assert (
        services.check_in(
            booking=on_time,
            actor=on_time.user,
            token=on_time.seat.checkin_token,
            now=at(MONDAY, 10),
        ).status
        == "checked_in"
    )
    with pytest.raises(services.BookingRuleError):
        services.check_in(
            booking=late, actor=late.user, token=late.seat.checkin_token, now=at(MONDAY, 10, 1)
        )


def test_only_the_holder_checks_in():
    b = booking()
    with pytest.raises(PermissionDenied):
        services.check_in(
            booking=b, actor=UserFactory(), token=b.seat.checkin_token, now=at(MONDAY, 9)
        )


def test_a_held_booking_cannot_be_checked_into():
    b = booking(status="held")
    with pytest.raises(services.BookingRuleError):
        services.check_in(booking=b, actor=b.user, token=b.seat.checkin_token, now=at(MONDAY, 9))


def test_beat_job_leaves_bookings_alone_until_the_deadline():
    booking()
    assert services.release_unchecked_bookings(now=at(MONDAY, 10)) == 0


def test_beat_job_releases_a_no_show_and_tells_the_holder():
    b = booking()
    assert services.release_unchecked_bookings(now=at(MONDAY, 10, 1)) == 1
    b.refresh_from_db()
    assert b.status == Booking.Status.RELEASED
    assert b.is_no_show
    assert b.user.notifications.count() == 1


def test_beat_job_keeps_checked_in_bookings():
    b = booking()
    services.check_in(booking=b, actor=b.user, token=b.seat.checkin_token, now=at(MONDAY, 9, 5))
    assert services.release_unchecked_bookings(now=at(MONDAY, 12)) == 0


def test_afternoon_bookings_have_their_own_deadline():
    booking(slot=rules.PM)
    assert services.release_unchecked_bookings(now=at(MONDAY, 14)) == 0
    assert services.release_unchecked_bookings(now=at(MONDAY, 14, 1)) == 1


def test_admins_change_the_check_in_deadline():
    BookingRules.objects.update_or_create(pk=1, defaults={"checkin_deadline_minutes": 15})
    booking()
    assert services.release_unchecked_bookings(now=at(MONDAY, 9, 15)) == 0
    assert services.release_unchecked_bookings(now=at(MONDAY, 9, 16)) == 1


def test_a_held_booking_not_approved_in_time_is_released_but_not_a_no_show():
    b = booking(status="held")
    services.release_unchecked_bookings(now=at(MONDAY, 10, 1))
    b.refresh_from_db()
    assert b.status == Booking.Status.RELEASED and not b.is_no_show


def test_released_seat_can_be_booked_again():
    b = booking(slot=rules.FULL)
    services.release_unchecked_bookings(now=at(MONDAY, 10, 1))
    again = services.book_seat(
        user=UserFactory(), seat=b.seat, date=MONDAY, slot=rules.PM, now=at(MONDAY, 10, 2)
    )
    assert again.status == Booking.Status.CONFIRMED


def test_the_celery_task_runs_the_beat_job():
    b = booking()
    # The task uses the real clock: a booking from long ago is past every deadline.
    Booking.objects.filter(pk=b.pk).update(date=date(2020, 3, 2))
    assert tasks.release_unchecked_bookings.apply().get() == 1


def test_finished_check_ins_become_completed():
    b = booking()
    services.check_in(booking=b, actor=b.user, token=b.seat.checkin_token, now=at(MONDAY, 9))
    assert services.complete_finished_bookings(now=at(MONDAY, 12, 59)) == 0
    assert services.complete_finished_bookings(now=at(MONDAY, 13)) == 1


def test_releasing_a_booking_tells_listeners():
    seen = []

    def listener(sender, booking, **kwargs):
        seen.append((booking.pk, booking.status))

    booking_ended.connect(listener)
    try:
        b = booking()
        services.release_booking(booking=b, reason="반려", notify_holder=False, now=at(MONDAY, 8))
    finally:
        booking_ended.disconnect(listener)
    assert seen == [(b.pk, "released")]
    assert b.user.notifications.count() == 0


@pytest.mark.parametrize(
    ("hour", "minute", "expected"),
    [
        (8, 29, ()),
        (8, 30, (rules.AM, rules.FULL)),
        (12, 40, (rules.AM, rules.PM, rules.FULL)),
        (13, 10, (rules.PM,)),
        (18, 0, ()),
    ],
)
def test_walk_ins_book_only_what_is_running_now(hour, minute, expected):
    assert rules.walk_in_slots(at(MONDAY, hour, minute)) == expected


def test_a_walk_in_books_a_free_seat_and_checks_in_at_once():
    seat, person = SeatFactory(), UserFactory()
    walked = services.walk_in(
        user=person, seat=seat, token=seat.checkin_token, slot=rules.AM, now=at(MONDAY, 11, 15)
    )
    assert walked.status == Booking.Status.CHECKED_IN
    assert walked.checked_in_at == at(MONDAY, 11, 15)
    assert (walked.date, walked.slot) == (MONDAY, rules.AM)
    # Checked in: the beat job does not take it back as a no-show.
    services.release_unchecked_bookings(now=at(MONDAY, 12, 30))
    walked.refresh_from_db()
    assert walked.status == Booking.Status.CHECKED_IN


def test_a_walk_in_at_a_taken_seat_is_refused_with_the_nearest_free_seat():
    taken = booking()
    free = SeatFactory(center=taken.seat.center)
    with pytest.raises(services.SeatTaken) as refused:
        services.walk_in(
            user=UserFactory(),
            seat=taken.seat,
            token=taken.seat.checkin_token,
            slot=rules.AM,
            now=at(MONDAY, 10),
        )
    assert refused.value.nearest_free_seat == free


def test_a_walk_in_for_a_slot_not_running_stores_nothing():
    seat = SeatFactory()
    with pytest.raises(services.BookingRuleError) as refused:
        services.walk_in(
            user=UserFactory(),
            seat=seat,
            token=seat.checkin_token,
            slot=rules.FULL,
            now=at(MONDAY, 14),
        )
    assert refused.value.field == "slot"
    assert not Booking.objects.filter(seat=seat).exists()


def test_a_walk_in_while_seated_elsewhere_stores_nothing():
    elsewhere = booking(slot=rules.FULL)
    seat = SeatFactory()
    with pytest.raises(services.PersonAlreadyBooked):
        services.walk_in(
            user=elsewhere.user,
            seat=seat,
            token=seat.checkin_token,
            slot=rules.AM,
            now=at(MONDAY, 10),
        )
    assert not Booking.objects.filter(seat=seat).exists()
