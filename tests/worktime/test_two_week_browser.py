"""On a phone: two weeks at one smart-work seat, asked for in one request and held every day."""

import pytest

from smartcenters.models import Booking, BookingRules
from tests.conftest import screenshot
from tests.journeys.conftest import check_page, sign_in
from worktime.models import Arrangement, WorkPolicy

from .factories import SeatFactory, team_member
from .test_two_week_stays import next_monday, weeks_after, working_days_between

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_two_week_smart_work_request_on_a_phone_holds_the_seat_every_working_day(
    phone_page, live_server
):
    # The centers' self-booking rules (5 bookings, 7 days ahead) would refuse a two-week stay
    # if they bound the office's seat holds.
    BookingRules.objects.update_or_create(
        pk=1, defaults={"max_active_bookings": 5, "days_ahead": 7}
    )
    WorkPolicy.objects.filter(kind="smart_work").update(monthly_day_limit=None)
    person, _lead, _chief = team_member()
    seat = SeatFactory(label="A-07")
    start = next_monday()
    end = weeks_after(start, 2)
    days = working_days_between(start, end)
    page = phone_page
    sign_in(page, live_server.url, person, phone=True)

    page.goto(f"{live_server.url}/worktime/requests/new/?kind=smart_work")
    check_page(page, phone=True)
    page.select_option("#id_kind", "smart_work")
    page.fill("#id_start_date", start.isoformat())
    page.fill("#id_end_date", end.isoformat())
    page.select_option("#id_center", str(seat.center_id))
    page.select_option("#id_seat", str(seat.pk))
    page.fill("#id_reason", "방학 동안 집 근처에서 근무")
    page.get_by_role("button", name="결재 요청").click()
    page.wait_for_url("**/worktime/requests/*/")
    check_page(page, phone=True)
    screenshot(page, "two-week-smart-work-phone")

    arrangement = Arrangement.objects.get(applicant=person)
    held = Booking.objects.filter(user=person, seat=seat, status="held")
    assert arrangement.status == "pending"
    assert sorted(held.values_list("date", flat=True)) == days
    assert len(days) >= 8  # two weeks, less any public holiday in them
    assert page.get_by_text("A-07").first.is_visible()
