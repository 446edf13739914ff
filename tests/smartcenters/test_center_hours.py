"""Centers keep their own hours and closed days: slots, bookings, walk-ins, holds and pages.

Dates are in a fixed future (March 2030; 1 March, 삼일절, is a Friday) and `now` is passed.
"""

from datetime import date, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from accounts.models import Notification
from core import clock
from core.workdays import work_calendar
from smartcenters import rules, services
from smartcenters.models import Booking
from tests.factories import UserFactory
from worktime.models import OfficeHoliday

from .factories import CenterFactory, ClosureFactory, SeatFactory, at

pytestmark = pytest.mark.django_db
MONDAY = date(2030, 3, 4)
NOW = at(MONDAY - timedelta(days=7), 8)
INDEPENDENCE_DAY = date(2030, 3, 1)  # 삼일절, a Friday


def late_center(**kwargs):
    """A library center open 10:00–20:00 whose afternoon starts at 14:00."""
    values = {"opens_at": time(10), "midday_at": time(14), "closes_at": time(20), **kwargs}
    return CenterFactory(**values)


def book(seat, day=MONDAY, slot=rules.FULL, now=NOW, user=None, **kwargs):
    return services.book_seat(
        user=user or UserFactory(), seat=seat, date=day, slot=slot, now=now, **kwargs
    )


# --- hours ---


def test_a_centers_half_days_follow_its_opening_hours():
    booking = book(SeatFactory(center=late_center()), slot=rules.PM)
    assert (booking.starts_at, booking.ends_at) == (at(MONDAY, 14), at(MONDAY, 20))
    assert booking.times_label.endswith("14:00–20:00")


def test_check_in_opens_thirty_minutes_before_the_centers_afternoon_not_the_offices():
    booking = book(SeatFactory(center=late_center()), slot=rules.PM)
    with pytest.raises(services.BookingRuleError, match="13:30"):
        services.check_in(
            booking=booking,
            actor=booking.user,
            token=booking.seat.checkin_token,
            now=at(MONDAY, 13, 15),
        )
    checked = services.check_in(
        booking=booking,
        actor=booking.user,
        token=booking.seat.checkin_token,
        now=at(MONDAY, 13, 40),
    )
    assert checked.status == Booking.Status.CHECKED_IN


def test_walk_in_after_the_center_has_closed_is_refused():
    seat = SeatFactory(center=CenterFactory(closes_at=time(17)))
    with translation.override("en"), pytest.raises(services.BookingRuleError) as refused:
        services.walk_in(
            user=UserFactory(),
            seat=seat,
            token=seat.checkin_token,
            slot=rules.PM,
            now=at(MONDAY, 17, 30),
        )
    assert refused.value.message == "That time cannot be booked at the seat now."


def test_walk_in_in_a_late_centers_evening_books_its_afternoon():
    seat = SeatFactory(center=late_center())
    walked = services.walk_in(
        user=UserFactory(), seat=seat, token=seat.checkin_token, slot=rules.PM, now=at(MONDAY, 19)
    )
    assert walked.status == Booking.Status.CHECKED_IN


def test_hours_out_of_order_are_refused_by_the_database():
    with transaction.atomic(), pytest.raises(IntegrityError):
        CenterFactory(opens_at=time(13), midday_at=time(12))


def test_hours_out_of_order_are_refused_with_a_sentence_in_the_admin_form():
    center = CenterFactory.build(midday_at=time(19), closes_at=time(18))
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        center.full_clean()
    assert "must open before the afternoon starts" in str(refused.value)


def test_changing_a_centers_hours_moves_its_bookings_and_keeps_them_exclusive():
    seat = SeatFactory()
    booking = book(seat, slot=rules.AM)
    center = seat.center
    center.opens_at, center.midday_at = time(8), time(12)
    center.save()
    booking = Booking.objects.select_related("seat__center").get(pk=booking.pk)
    assert (booking.starts_at, booking.ends_at) == (at(MONDAY, 8), at(MONDAY, 12))
    with pytest.raises(services.SeatTaken):
        book(seat, slot=rules.FULL)


# --- closed days ---


def test_booking_on_a_public_holiday_is_refused_naming_it():
    with translation.override("ko"), pytest.raises(services.BookingRuleError) as refused:
        book(SeatFactory(), day=INDEPENDENCE_DAY, now=at(INDEPENDENCE_DAY - timedelta(days=3), 8))
    assert refused.value.field == "date"
    assert "삼일절" in refused.value.message


def test_booking_on_an_office_holiday_is_refused_even_for_the_office():
    OfficeHoliday.objects.create(date=MONDAY, name="개청 기념일")
    with pytest.raises(services.BookingRuleError, match="개청 기념일"):
        book(SeatFactory(), enforce_rules=False)


def test_booking_on_a_centers_closed_day_names_the_reason():
    seat = SeatFactory()
    ClosureFactory(center=seat.center, starts_on=MONDAY, ends_on=MONDAY, reason="장서 점검일")
    with pytest.raises(services.BookingRuleError, match="장서 점검일"):
        book(seat)


def test_waitlist_on_a_holiday_is_refused():
    center = SeatFactory().center
    with pytest.raises(services.BookingRuleError, match="삼일절"), translation.override("ko"):
        services.join_waitlist(
            user=UserFactory(),
            center=center,
            date=INDEPENDENCE_DAY,
            slot=rules.FULL,
            now=at(INDEPENDENCE_DAY - timedelta(days=3), 8),
        )


def test_seat_map_shows_a_closed_day_as_closed_with_its_reason(client_for):
    seat = SeatFactory()
    ClosureFactory(center=seat.center, starts_on=MONDAY, ends_on=MONDAY, reason="장서 점검일")
    client = client_for(UserFactory())
    url = reverse("smartcenters:center", args=[seat.center_id]) + f"?date={MONDAY}&slot=full"
    page = client.get(url).content.decode()
    assert 'id="closed-day"' in page and "장서 점검일" in page
    assert reverse("smartcenters:book_seat", args=[seat.pk]) not in page


def test_seat_map_labels_the_slots_with_the_centers_hours(client_for):
    seat = SeatFactory(center=late_center())
    url = reverse("smartcenters:center", args=[seat.center_id]) + f"?date={MONDAY}&slot=pm"
    page = client_for(UserFactory()).get(url).content.decode()
    assert "14:00–20:00" in page and "10:00–14:00" in page


def test_free_seat_search_shows_a_holiday_as_closed(client_for):
    SeatFactory()
    with translation.override("ko"):
        page = client_for(UserFactory()).get(
            reverse("smartcenters:book") + f"?date={INDEPENDENCE_DAY}&slot=full",
            headers={"accept-language": "ko"},
        )
    html = page.content.decode()
    assert "삼일절" in html
    assert 'class="free-count"' not in html


def test_availability_api_says_why_a_center_is_closed(client_for):
    seat = SeatFactory()
    OfficeHoliday.objects.create(date=MONDAY, name="개청 기념일")
    body = (
        client_for(UserFactory())
        .get(f"/api/v1/centers/{seat.center_id}/availability/?date={MONDAY}")
        .json()
    )
    assert body["is_open"] is False and body["closed_reason"] == "개청 기념일"
    assert body["slots"]["full"]["free"] == []


# --- closing a day that people have booked ---


def test_closing_a_booked_day_cancels_the_booking_tells_the_holder_and_offers_the_nearest_center():
    here = SeatFactory(center=CenterFactory(latitude=36.30, longitude=127.30))
    near = SeatFactory(center=CenterFactory(latitude=36.31, longitude=127.30))
    SeatFactory(center=CenterFactory(latitude=36.90, longitude=127.90))
    booking = book(here)
    other_day = book(here, day=MONDAY + timedelta(days=1), user=UserFactory())
    ClosureFactory(center=here.center, starts_on=MONDAY, ends_on=MONDAY, reason="장서 점검일")
    booking.refresh_from_db()
    other_day.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED and booking.end_reason == "장서 점검일"
    assert other_day.status == Booking.Status.CONFIRMED
    told = Notification.objects.get(recipient=booking.user)
    assert "장서 점검일" in told.body
    assert near.center.name in told.body and near.label in told.body


def test_a_new_office_holiday_cancels_the_bookings_at_every_center_without_an_offer():
    first, second = book(SeatFactory()), book(SeatFactory())
    OfficeHoliday.objects.create(date=MONDAY, name="개청 기념일")
    for booking in (first, second):
        booking.refresh_from_db()
        assert booking.status == Booking.Status.CANCELLED
        assert "개청 기념일" in Notification.objects.get(recipient=booking.user).body


def test_a_smart_work_request_over_a_centers_closed_day_is_refused_naming_the_day(client_for):
    from tests.worktime.factories import team_member

    person, _lead, _chief = team_member()
    seat = SeatFactory()
    # The request goes through worktime's own reading of today, so its week is the next one
    # whose Monday is worked (a smart-work request reaches 14 days ahead at most), and the
    # center closes a working day after that Monday, whatever the calendar holds.
    calendar = work_calendar()
    today = clock.today()
    monday = today + timedelta(days=7 - today.weekday())
    if not calendar.is_working_day(monday):
        monday += timedelta(days=7)
    closed_day = next(
        day
        for day in (monday + timedelta(days=n) for n in (2, 3, 4, 1))  # Wednesday, if worked
        if calendar.is_working_day(day)
    )
    ClosureFactory(
        center=seat.center, starts_on=closed_day, ends_on=closed_day, reason="장서 점검일"
    )
    response = client_for(person).post(
        "/api/v1/worktime/requests/",
        {
            "kind": "smart_work",
            "start_date": monday.isoformat(),
            "end_date": (monday + timedelta(days=4)).isoformat(),
            "center": seat.center_id,
            "seat": seat.pk,
            "reason": "현장 방문",
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "장서 점검일" in response.json()["start_date"][0]
    assert not Booking.objects.filter(user=person).exists()


def test_the_booking_page_opens_on_the_next_day_that_is_not_a_holiday():
    evening_before = at(INDEPENDENCE_DAY - timedelta(days=1), 19)  # Thursday evening
    assert rules.default_booking_day(evening_before) == date(
        2030, 3, 4
    )  # past 삼일절 and the weekend


def test_an_admin_closes_a_booked_day_in_the_admin_and_the_booking_is_cancelled(
    admin_user, client_for
):
    booking = book(SeatFactory())
    response = client_for(admin_user).post(
        "/admin/smartcenters/centerclosure/add/",
        {
            "center": booking.seat.center_id,
            "starts_on": MONDAY.isoformat(),
            "ends_on": MONDAY.isoformat(),
            "reason": "장서 점검일",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert Notification.objects.filter(
        recipient=booking.user, body__contains="장서 점검일"
    ).exists()


def test_the_center_admin_edits_when_the_afternoon_starts(admin_user, client_for):
    center = CenterFactory()
    response = client_for(admin_user).get(f"/admin/smartcenters/center/{center.pk}/change/")
    assert 'name="midday_at"' in response.content.decode()
