"""A member of staff books a smart-work seat and applies for a late start, in Korean and English."""

import datetime as dt

import pytest

from core.clock import today as local_today
from smartcenters.models import Booking
from tests.conftest import screenshot
from tests.worktime.factories import CenterFactory, SeatFactory, team_member, working_day
from worktime.models import Arrangement

from .conftest import check_page, named, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = {
    "ko": {
        "book": "스마트워크",
        "late": "10:00–19:00",
        "month": "한눈에",
        "pending": "결재 중",
        "apply": "결재 요청",
    },
    "en": {
        "book": "Book a smart-work seat",
        "late": "10:00–19:00",
        "month": "at a glance",
        "pending": "Pending",
        "apply": "Send for approval",
    },
}


def next_week_days() -> tuple[dt.date, dt.date]:
    """Two working days of next week: one at a center, one starting late at the office."""
    today = local_today()
    monday = today + dt.timedelta(days=7 - today.weekday())
    first = working_day((monday - today).days)
    second = working_day((first - today).days + 1)
    return first, second


def centers():
    center = CenterFactory(name="노은도서관 스마트워크센터", short_name="노은")
    for i in range(4):
        SeatFactory(center=center, label=f"A-0{i + 1}", x=8 + i * 20, y=12, has_desktop=i % 2 == 0)
    return center


def staff_journey(page, live_server, *, lang: str, name: str):
    text = TEXT[lang]
    person, lead, _chief = team_member()
    named(person, lead)
    centers()
    seat_day, late_day = next_week_days()
    base = live_server.url

    sign_in(page, base, person)
    if lang == "en":
        page.get_by_role("button", name="English").click()
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.get_by_role("button", name="한국어").is_visible()
        assert page.get_by_role("button", name="Sign out").is_visible()

    # The seat: pick the day on the booking page, then a center, then a seat.
    page.goto(f"{base}/centers/")
    assert text["book"] in check_page(page)
    page.fill("#id_date", seat_day.isoformat())
    page.wait_for_url(f"**/centers/?*date={seat_day.isoformat()}*")
    page.locator(".center-card a.button").first.click()
    page.wait_for_url("**/centers/*/?*")
    check_page(page)
    assert page.locator("svg.floor-plan").is_visible()
    screenshot(page, f"journey-{name}-seat-map")
    page.locator(".seat-row form button").first.click()
    page.wait_for_url("**/centers/mine/")
    check_page(page)
    assert page.locator(".message.success").is_visible()
    booking = Booking.objects.get(user=person)
    assert booking.date == seat_day and booking.status == "confirmed"

    # The late start: 10:00 on a day of next week, sent up the line.
    page.goto(f"{base}/worktime/requests/new/")
    check_page(page)
    page.select_option("#id_kind", "staggered")
    page.fill("#id_start_date", late_day.isoformat())
    page.select_option("#id_start_time", "10:00")
    page.fill("#id_reason", "아이 등원 후 출근" if lang == "ko" else "School run")
    assert lead.get_full_name() in page.locator(".wt-line").inner_text()
    screenshot(page, f"journey-{name}-late-start-form")
    page.get_by_role("button", name=text["apply"]).click()
    page.wait_for_url("**/worktime/requests/*/")
    check_page(page)
    assert text["late"] in page.content()
    arrangement = Arrangement.objects.get(applicant=person)
    assert arrangement.kind == "staggered" and arrangement.status == "pending"

    # My month shows both: the seat on its day, the late start (waiting) on the other.
    for day in sorted({seat_day.replace(day=1), late_day.replace(day=1)}):
        page.goto(f"{base}/worktime/?month={day:%Y-%m}")
        assert text["month"] in check_page(page)
    page.goto(f"{base}/worktime/?month={seat_day:%Y-%m}")
    booking_entry = page.locator(".wt-entry.booking")
    assert booking_entry.count() == 1 and "A-0" in booking_entry.inner_text()
    if late_day.month != seat_day.month:
        page.goto(f"{base}/worktime/?month={late_day:%Y-%m}")
    entry = page.locator(".wt-entry.kind-staggered")
    assert entry.count() == 1
    assert "10:00" in entry.inner_text() and text["pending"] in entry.inner_text()
    screenshot(page, f"journey-{name}-my-month")
    return person, arrangement


def test_staff_books_a_seat_and_applies_for_a_late_start(desktop_page, live_server, watch):
    staff_journey(watch(desktop_page), live_server, lang="ko", name="staff")


def test_staff_journey_in_english(desktop_page, live_server, watch):
    staff_journey(watch(desktop_page), live_server, lang="en", name="staff-en")
