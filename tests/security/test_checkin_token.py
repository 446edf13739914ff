"""Checking in needs the seat's QR code: a booking id alone, from anywhere, checks nothing in."""

from datetime import date, timedelta

import pytest
from rest_framework.test import APIClient

from smartcenters import rules, services
from smartcenters.models import Booking, BookingRules
from tests.factories import UserFactory
from tests.smartcenters.factories import SeatFactory, at

pytestmark = pytest.mark.django_db
MONDAY = date(2030, 3, 4)


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def booking_due_now(seat=None) -> Booking:
    """A confirmed booking whose check-in window surely contains the present moment."""
    BookingRules.objects.update_or_create(pk=1, defaults={"checkin_deadline_minutes": 3000})
    yesterday = rules.local_today(rules.datetime.now(rules.SEOUL)) - timedelta(days=1)
    return Booking.objects.create(
        user=UserFactory(), seat=seat or SeatFactory(), date=yesterday, slot="full"
    )


def check_in_url(booking: Booking) -> str:
    return f"/api/v1/bookings/{booking.pk}/check-in/"


def test_api_check_in_without_the_seats_code_is_refused_and_changes_nothing():
    booking = booking_due_now()
    response = api_for(booking.user).post(check_in_url(booking))
    assert response.status_code == 400
    assert "QR" in response.json()["token"][0]
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED and booking.checked_in_at is None


def test_api_check_in_with_another_seats_code_is_refused_and_changes_nothing():
    booking = booking_due_now()
    other_seat = SeatFactory(center=booking.seat.center)
    response = api_for(booking.user).post(
        check_in_url(booking), {"token": other_seat.checkin_token}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["detail"] == services.WrongSeatCode().message
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


def test_api_check_in_with_the_seats_code_checks_in():
    booking = booking_due_now()
    response = api_for(booking.user).post(
        check_in_url(booking), {"token": booking.seat.checkin_token}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "checked_in"


def test_a_check_in_refused_for_its_code_leaves_the_seat_to_the_no_show_release():
    booking = services.book_seat(
        user=UserFactory(), seat=SeatFactory(), date=MONDAY, slot=rules.AM, now=at(MONDAY, 7)
    )
    with pytest.raises(services.WrongSeatCode):
        services.check_in(booking=booking, actor=booking.user, token="", now=at(MONDAY, 9))
    assert services.release_unchecked_bookings(now=at(MONDAY, 10, 1)) == 1
    booking.refresh_from_db()
    assert booking.status == Booking.Status.RELEASED and booking.is_no_show


def test_the_check_in_service_refuses_a_code_that_differs_only_in_its_last_character():
    booking = services.book_seat(
        user=UserFactory(), seat=SeatFactory(), date=MONDAY, slot=rules.AM, now=at(MONDAY, 7)
    )
    token = booking.seat.checkin_token
    almost = token[:-1] + ("A" if token[-1] != "A" else "B")
    with pytest.raises(services.WrongSeatCode):
        services.check_in(booking=booking, actor=booking.user, token=almost, now=at(MONDAY, 9))
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


def test_a_walk_in_with_another_seats_code_books_nothing():
    seat, elsewhere = SeatFactory(), SeatFactory()
    with pytest.raises(services.WrongSeatCode):
        services.walk_in(
            user=UserFactory(),
            seat=seat,
            token=elsewhere.checkin_token,
            slot=rules.AM,
            now=at(MONDAY, 10),
        )
    assert not Booking.objects.filter(seat=seat).exists()
