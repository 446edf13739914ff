"""A smart-work request holds its seat for every working day of its range, however long.

The self-booking window (days ahead) and the per-person limit of active bookings bind what
a person books for themselves; the seats the office holds for an arrangement follow it.
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from core import clock
from core.workdays import work_calendar
from smartcenters import services as centers
from smartcenters.models import Booking, BookingRules
from worktime.models import Arrangement, WorkPolicy

from .factories import SeatFactory, team_member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _tight_self_booking_rules():
    # The defaults of the centers (5 active bookings, 14 days ahead) made small enough that
    # any long stay would meet them; a month-long stay needs the policy to allow it.
    BookingRules.objects.update_or_create(
        pk=1, defaults={"max_active_bookings": 5, "days_ahead": 7}
    )
    WorkPolicy.objects.filter(kind="smart_work").update(monthly_day_limit=None)


def next_monday() -> dt.date:
    today = clock.today()
    return today + dt.timedelta(days=7 - today.weekday())


def weeks_after(start: dt.date, weeks: int) -> dt.date:
    return start + dt.timedelta(days=7 * weeks - 3)  # the Friday of the last week


def working_days_between(start: dt.date, end: dt.date) -> list[dt.date]:
    calendar = work_calendar(start, end)
    days = [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]
    return [d for d in days if calendar.is_working_day(d)]


def request_body(seat, start, end, **extra) -> dict:
    return {
        "kind": "smart_work",
        "start_date": start.isoformat(),
        "end_date": end.isoformat(),
        "center": seat.center_id,
        "seat": seat.pk,
        "reason": "현장 방문 많은 2주",
        **extra,
    }


def ask(client, seat, start, end, **extra):
    body = request_body(seat, start, end, **extra)
    return client.post("/api/v1/worktime/requests/", body, content_type="application/json")


@pytest.mark.parametrize("weeks", [2, 4])
def test_smart_work_for_whole_weeks_holds_the_seat_on_every_working_day(client_for, weeks):
    person, _lead, _chief = team_member()
    seat = SeatFactory()
    start = next_monday()
    end = weeks_after(start, weeks)
    response = ask(client_for(person), seat, start, end)
    assert response.status_code == 201, response.content
    expected = working_days_between(start, end)
    held = Booking.objects.filter(user=person, seat=seat, status="held", origin="arrangement")
    assert sorted(held.values_list("date", flat=True)) == expected
    assert len(response.json()["days"]) == len(expected)


def test_a_weekly_pattern_holds_the_seat_on_its_weekdays_beyond_the_booking_window(client_for):
    person, _lead, _chief = team_member()
    seat = SeatFactory()
    start = next_monday()
    end = weeks_after(start, 4)
    response = ask(client_for(person), seat, start, end, weekdays=[0, 2])
    assert response.status_code == 201, response.content
    expected = [d for d in working_days_between(start, end) if d.weekday() in (0, 2)]
    held = Booking.objects.filter(user=person, seat=seat, status="held")
    assert sorted(held.values_list("date", flat=True)) == expected


def test_two_weeks_through_the_page_form(client_for):
    person, _lead, _chief = team_member()
    seat = SeatFactory()
    start = next_monday()
    end = weeks_after(start, 2)
    response = client_for(person).post(
        reverse("worktime:request_new"), request_body(seat, start, end)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    arrangement = Arrangement.objects.get(applicant=person)
    held = arrangement.days.filter(booking__status="held").values_list("date", flat=True)
    assert sorted(held) == working_days_between(start, end)  # ten, unless a holiday falls in


def test_a_weekly_pattern_through_the_page_form(client_for):
    person, _lead, _chief = team_member()
    seat = SeatFactory()
    start = next_monday()
    response = client_for(person).post(
        reverse("worktime:request_new"),
        request_body(seat, start, weeks_after(start, 4), weekdays=["1", "3"]),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    dates = Booking.objects.filter(user=person, status="held").values_list("date", flat=True)
    assert {d.weekday() for d in dates} == {1, 3}
    assert len(dates) == len(
        [d for d in working_days_between(start, weeks_after(start, 4)) if d.weekday() in (1, 3)]
    )


def test_seat_taken_on_one_day_names_that_day_and_the_nearest_free_seat(client_for):
    person, _lead, _chief = team_member()
    seat = SeatFactory()
    neighbour = SeatFactory(center=seat.center, x=seat.x + 1, y=seat.y)
    start = next_monday()
    end = weeks_after(start, 2)
    taken_on = working_days_between(start, end)[-1]
    centers.book_seat(
        user=team_member()[0], seat=seat, date=taken_on, slot="full", enforce_rules=False
    )
    response = ask(client_for(person), seat, start, end)
    assert response.status_code == 400
    message = response.json()["seat"][0]
    assert taken_on.isoformat() in message and neighbour.label in message
    assert not Booking.objects.filter(user=person).exists()
    assert not Arrangement.objects.filter(applicant=person).exists()


def test_seat_holds_leave_the_self_booking_limit_untouched(client_for):
    person, _lead, _chief = team_member()
    seat = SeatFactory()
    start = next_monday()
    assert ask(client_for(person), seat, start, weeks_after(start, 2)).status_code == 201
    # Ten days held for the arrangement; a seat of their own on a day outside it still books,
    # asked for the day before, when all ten holds lie ahead: the working day before the stay.
    own_day = start - dt.timedelta(days=1)
    while not work_calendar().is_working_day(own_day):
        own_day -= dt.timedelta(days=1)
    asked = timezone.make_aware(dt.datetime.combine(own_day - dt.timedelta(days=1), dt.time(12)))
    booking = centers.book_seat(user=person, seat=SeatFactory(), date=own_day, slot="am", now=asked)
    assert booking.status == "confirmed"
