"""A member of staff books a seat in three clicks from the home page, on a desktop and a phone."""

import pytest

from smartcenters.models import Booking, Seat
from tests.conftest import screenshot

from .factories import CenterFactory, SeatFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _centers():
    for name, short in (
        ("노은도서관 스마트워크센터", "노은"),
        ("유성도서관 스마트워크센터", "유성"),
    ):
        center = CenterFactory(name=name, short_name=short)
        for i in range(6):
            SeatFactory(
                center=center, label=f"A{i + 1}", x=6 + i * 15, y=10, has_desktop=i % 2 == 0
            )


def _sign_in(page, live_server, user):
    page.goto(f"{live_server.url}/")
    page.get_by_label("아이디").fill(user.username)
    page.get_by_label("비밀번호").fill("correct-horse-battery")
    page.get_by_role("button", name="로그인").click()
    page.wait_for_url(f"{live_server.url}/")


def _book_in_three_clicks(page, live_server, user, name):
    _centers()
    _sign_in(page, live_server, user)
    clicks = 0
    page.locator('main a[href="/centers/"]').first.click()  # the home tile
    clicks += 1
    page.wait_for_url("**/centers/")
    screenshot(page, f"centers-book-{name}")
    page.locator(".center-card a.button").first.click()  # a center's seat map
    clicks += 1
    page.wait_for_url("**/centers/*/?*")
    assert page.locator("svg.floor-plan").is_visible()
    screenshot(page, f"centers-seat-map-{name}")
    page.locator(".seat-row form button").first.click()  # book the first free seat
    clicks += 1
    page.wait_for_url("**/centers/mine/")
    assert clicks <= 3
    booking = Booking.objects.get(user=user)
    card = page.locator(".booking").first
    assert booking.seat.label in card.inner_text()
    assert page.locator(".message.success").is_visible()
    screenshot(page, f"centers-my-bookings-{name}")
    return page


def test_staff_books_a_seat_in_three_clicks_on_a_desktop(desktop_page, live_server, staff_user):
    _book_in_three_clicks(desktop_page, live_server, staff_user, "desktop")


def test_staff_books_a_seat_in_three_clicks_on_a_phone(phone_page, live_server, staff_user):
    page = _book_in_three_clicks(phone_page, live_server, staff_user, "phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_manager_sees_occupancy_charts(desktop_page, live_server, manager_user):
    from datetime import timedelta

    from smartcenters import rules
    from tests.conftest import totp_code
    from tests.factories import UserFactory

    _centers()
    today = rules.local_today(rules.datetime.now(rules.SEOUL))
    people = [UserFactory() for _ in range(8)]
    for offset in range(1, 15):
        day = today - timedelta(days=offset)
        if day.weekday() >= 5:
            continue
        for i, seat in enumerate(Seat.objects.all()[: offset % 7 + 2]):
            Booking.objects.create(
                user=people[i % 8], seat=seat, date=day, slot="full", status="completed"
            )
    page = desktop_page
    page.goto(f"{live_server.url}/centers/stats/")
    page.get_by_label("아이디").fill(manager_user.username)
    page.get_by_label("비밀번호").fill("correct-horse-battery")
    page.get_by_role("button", name="로그인").click()
    page.wait_for_url("**/accounts/otp/**")
    page.get_by_label("일회용 코드").fill(totp_code(manager_user.totpdevice_set.get()))
    page.get_by_role("button", name="인증").click()
    page.wait_for_url("**/centers/stats/")
    assert page.locator("svg.chart").count() == 2
    assert page.locator("svg.chart rect.bar").count() > 2
    screenshot(page, "centers-stats-desktop")


def test_a_walk_in_books_a_free_seat_from_its_qr_code_on_a_phone(
    phone_page, live_server, staff_user, set_clock
):
    from datetime import date

    from .factories import at

    _centers()
    seat = Seat.objects.get(center__short_name="노은", label="A2")
    day = date(2030, 3, 4)
    # The server's clock reads 10:20 on a working day (the live server runs in this process).
    set_clock(at(day, 10, 20))
    page = phone_page
    page.goto(f"{live_server.url}/centers/check-in/{seat.checkin_token}/")
    page.get_by_label("아이디").fill(staff_user.username)
    page.get_by_label("비밀번호").fill("correct-horse-battery")
    page.get_by_role("button", name="로그인").click()
    page.wait_for_url("**/centers/check-in/**")
    buttons = page.locator('button[name="walk_in"]')
    assert buttons.count() == 2  # the morning, or the whole day
    assert all(buttons.nth(i).bounding_box()["height"] >= 44 for i in range(2))
    screenshot(page, "centers-walk-in-phone")
    buttons.first.click()
    page.wait_for_selector(".message.success")
    booking = Booking.objects.get(user=staff_user)
    assert (booking.seat, booking.date, booking.status) == (seat, day, "checked_in")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "centers-walk-in-checked-in-phone")
