"""The API: centers, availability, booking (201/409/400), cancelling (204/403/404), check-in.

The portal's clock reads 08:00 on a Monday in a fixed future (`NOW`), so no answer depends on
the day the tests run.
"""

from datetime import date, timedelta

import pytest
from rest_framework.test import APIClient

from core import clock
from smartcenters.models import Booking, BookingRules
from tests.factories import UserFactory

from .factories import CenterFactory, ClosureFactory, SeatFactory, at

pytestmark = pytest.mark.django_db
MONDAY = date(2030, 3, 4)
NOW = at(MONDAY, 8)


@pytest.fixture(autouse=True)
def _monday_morning(set_clock):
    set_clock(NOW)


def api_for(user) -> APIClient:
    """A client signed in as `user` (the token's own checks are the accounts tests')."""
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def center():
    center = CenterFactory()
    SeatFactory(center=center, label="A1", x=0, y=0, has_desktop=True)
    SeatFactory(center=center, label="A2", x=10, y=0)
    return center


def post_booking(client, seat, day=None, slot="full"):
    day = day or MONDAY
    return client.post(
        "/api/v1/bookings/", {"seat": seat.pk, "date": day.isoformat(), "slot": slot}, format="json"
    )


def test_centers_list_their_seats_with_attributes(center):
    response = api_for(UserFactory()).get("/api/v1/centers/")
    assert response.status_code == 200
    [listed] = response.json()
    assert [s["label"] for s in listed["seats"]] == ["A1", "A2"]
    assert listed["seats"][0]["has_desktop"] is True
    assert set(listed["seats"][0]) >= {"id", "label", "has_monitor", "has_phone", "is_quiet"}


def test_availability_shows_free_and_taken_seats_per_slot(center):
    day = MONDAY
    a1 = center.seats.get(label="A1")
    Booking.objects.create(user=UserFactory(), seat=a1, date=day, slot="am")
    response = api_for(UserFactory()).get(f"/api/v1/centers/{center.pk}/availability/?date={day}")
    assert response.status_code == 200
    slots = response.json()["slots"]
    assert [s["label"] for s in slots["am"]["taken"]] == ["A1"]
    assert [s["label"] for s in slots["pm"]["free"]] == ["A1", "A2"]
    assert [s["label"] for s in slots["full"]["free"]] == ["A2"]


def test_availability_needs_a_date(center):
    assert (
        api_for(UserFactory()).get(f"/api/v1/centers/{center.pk}/availability/").status_code == 400
    )


def test_availability_of_a_missing_center_is_404():
    assert (
        api_for(UserFactory())
        .get("/api/v1/centers/999999/availability/?date=2030-01-07")
        .status_code
        == 404
    )


def test_booking_a_free_seat_answers_201(center):
    person = UserFactory()
    response = post_booking(api_for(person), center.seats.get(label="A1"))
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "confirmed" and body["seat_label"] == "A1"
    assert Booking.objects.get(pk=body["id"]).user == person


def test_booking_a_taken_seat_answers_409_with_the_nearest_free_seat(center):
    a1 = center.seats.get(label="A1")
    post_booking(api_for(UserFactory()), a1)
    response = post_booking(api_for(UserFactory()), a1)
    assert response.status_code == 409
    assert response.json()["code"] == "seat_taken"
    assert response.json()["nearest_free_seat"]["label"] == "A2"


def test_a_taken_seat_with_nothing_free_anywhere_offers_null():
    seat = SeatFactory()
    post_booking(api_for(UserFactory()), seat)
    response = post_booking(api_for(UserFactory()), seat)
    assert response.status_code == 409
    assert response.json()["nearest_free_seat"] is None


def test_a_person_already_seated_at_that_time_gets_409(center):
    client = api_for(UserFactory())
    post_booking(client, center.seats.get(label="A1"), slot="am")
    response = post_booking(client, center.seats.get(label="A2"), slot="full")
    assert response.status_code == 409
    assert response.json()["code"] == "person_already_booked"


def test_a_rule_violation_answers_400_with_the_field(center):
    too_far = clock.today() + timedelta(days=60)
    response = post_booking(api_for(UserFactory()), center.seats.get(label="A1"), day=too_far)
    assert response.status_code == 400
    assert "date" in response.json()


def test_a_closed_day_answers_400(center):
    day = MONDAY
    ClosureFactory(center=center, starts_on=day, ends_on=day)
    response = post_booking(api_for(UserFactory()), center.seats.get(label="A1"), day=day)
    assert response.status_code == 400 and "date" in response.json()


def test_an_unknown_slot_or_seat_answers_400(center):
    client = api_for(UserFactory())
    assert "slot" in post_booking(client, center.seats.get(label="A1"), slot="night").json()
    response = client.post(
        "/api/v1/bookings/", {"seat": 999999, "date": "2030-01-07", "slot": "am"}, format="json"
    )
    assert response.status_code == 400 and "seat" in response.json()


def test_too_many_bookings_answers_400(center):
    BookingRules.objects.update_or_create(pk=1, defaults={"max_active_bookings": 1})
    client = api_for(UserFactory())
    assert (
        post_booking(
            client, center.seats.get(label="A1"), day=MONDAY + timedelta(days=1)
        ).status_code
        == 201
    )
    response = post_booking(client, center.seats.get(label="A1"), day=MONDAY + timedelta(days=2))
    assert response.status_code == 400 and "non_field_errors" in response.json()


def test_my_bookings_list_only_mine(center):
    me, other = UserFactory(), UserFactory()
    post_booking(api_for(me), center.seats.get(label="A1"))
    post_booking(api_for(other), center.seats.get(label="A2"))
    results = api_for(me).get("/api/v1/bookings/").json()["results"]
    assert [b["seat_label"] for b in results] == ["A1"]


def test_cancelling_my_booking_answers_204_and_frees_the_seat(center):
    person = UserFactory()
    client = api_for(person)
    booking_id = post_booking(client, center.seats.get(label="A1")).json()["id"]
    assert client.delete(f"/api/v1/bookings/{booking_id}/").status_code == 204
    assert Booking.objects.get(pk=booking_id).status == "cancelled"
    assert post_booking(api_for(UserFactory()), center.seats.get(label="A1")).status_code == 201


def test_cancelling_someone_elses_booking_answers_403(center):
    booking_id = post_booking(api_for(UserFactory()), center.seats.get(label="A1")).json()["id"]
    assert api_for(UserFactory()).delete(f"/api/v1/bookings/{booking_id}/").status_code == 403
    assert Booking.objects.get(pk=booking_id).status == "confirmed"


def test_cancelling_a_missing_booking_answers_404():
    assert api_for(UserFactory()).delete("/api/v1/bookings/999999/").status_code == 404


def test_cancelling_twice_is_harmless(center):
    client = api_for(UserFactory())
    booking_id = post_booking(client, center.seats.get(label="A1")).json()["id"]
    client.delete(f"/api/v1/bookings/{booking_id}/")
    assert client.delete(f"/api/v1/bookings/{booking_id}/").status_code == 204


def _booking_due_now(person, seat):
    """A booking whose check-in window surely contains the present moment."""
    BookingRules.objects.update_or_create(pk=1, defaults={"checkin_deadline_minutes": 3000})
    yesterday = clock.today() - timedelta(days=1)
    return Booking.objects.create(user=person, seat=seat, date=yesterday, slot="full")


def seat_code(booking):
    """The check-in body a phone sends after scanning the booked seat's QR code."""
    return {"token": booking.seat.checkin_token}


def test_checking_in_my_booking_answers_200(center):
    person = UserFactory()
    booking = _booking_due_now(person, center.seats.get(label="A1"))
    response = api_for(person).post(
        f"/api/v1/bookings/{booking.pk}/check-in/", seat_code(booking), format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "checked_in"


def test_checking_in_someone_elses_booking_answers_403(center):
    booking = _booking_due_now(UserFactory(), center.seats.get(label="A1"))
    response = api_for(UserFactory()).post(
        f"/api/v1/bookings/{booking.pk}/check-in/", seat_code(booking), format="json"
    )
    assert response.status_code == 403


def test_checking_in_days_early_answers_400(center):
    person = UserFactory()
    seat = center.seats.get(label="A1")
    booking_id = post_booking(api_for(person), seat, day=MONDAY + timedelta(days=3)).json()["id"]
    response = api_for(person).post(
        f"/api/v1/bookings/{booking_id}/check-in/",
        {"token": seat.checkin_token},
        format="json",
    )
    assert response.status_code == 400 and "booking" in response.json()


def test_checking_in_a_cancelled_booking_answers_409(center):
    person = UserFactory()
    booking = _booking_due_now(person, center.seats.get(label="A1"))
    Booking.objects.filter(pk=booking.pk).update(
        status="cancelled", cancelled_at=booking.created_at
    )
    response = api_for(person).post(
        f"/api/v1/bookings/{booking.pk}/check-in/", seat_code(booking), format="json"
    )
    assert response.status_code == 409


def test_the_api_needs_a_signed_in_person(center):
    assert APIClient().get("/api/v1/centers/").status_code in (401, 403)
    assert post_booking(APIClient(), center.seats.get(label="A1")).status_code in (401, 403)


def test_an_unverified_manager_session_gets_403(client, manager_user, center):
    client.force_login(manager_user)
    assert client.get("/api/v1/centers/").status_code == 403


def test_the_schema_describes_the_booking_endpoints(staff_user):
    response = api_for(staff_user).get("/api/schema/")
    text = response.content.decode()
    assert "/api/v1/bookings/{id}/check-in/" in text
    assert "/api/v1/centers/{id}/availability/" in text
