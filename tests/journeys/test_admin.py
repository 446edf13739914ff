"""An admin closes a headquarters floor for two days and places its people at centers or at home."""

import pytest

from accounts.models import Notification
from core.clock import today as local_today
from smartcenters.models import Booking
from tests.conftest import screenshot
from tests.factories import UserFactory, WorkplaceFactory
from tests.worktime.factories import CenterFactory, SeatFactory, working_day
from worktime.models import Arrangement, Closure

from .conftest import check_page, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FLOOR = 30


def floor_with_people():
    floor = WorkplaceFactory(building="구청 본관", floor=FLOOR)
    WorkplaceFactory(building="구청 본관", floor=FLOOR + 1)
    center = CenterFactory(
        name="노은도서관 스마트워크센터", short_name="노은", latitude=36.37, longitude=127.31
    )
    for i in range(2):
        SeatFactory(center=center, label=f"A-0{i + 1}")
    people = [
        UserFactory(full_name=name, workplace=floor, home_latitude=36.371, home_longitude=127.311)
        for name in ("강민준", "윤서연", "장하은")
    ]
    contact = UserFactory(full_name="오지호", workplace=floor)
    return people, contact


def test_admin_closes_a_floor_and_relocates_its_people(
    desktop_page, live_server, watch, admin_user
):
    people, contact = floor_with_people()
    start = working_day(1)
    end = working_day((start - local_today()).days + 1)
    base = live_server.url
    page = watch(desktop_page)

    sign_in(page, base, admin_user)
    page.goto(f"{base}/worktime/")
    check_page(page)
    page.get_by_role("link", name="청사 폐쇄").click()
    page.wait_for_url(f"{base}/worktime/closures/")
    check_page(page)
    page.select_option("#id_building", "구청 본관")
    page.fill("#id_floor", str(FLOOR))
    page.fill("#id_start_date", start.isoformat())
    page.fill("#id_end_date", end.isoformat())
    page.fill("#id_reason", "확진자 발생에 따른 방역")
    screenshot(page, "journey-admin-close-floor")
    page.get_by_role("button", name="대상자 확인").click()
    page.wait_for_url("**/worktime/closures/*/")
    assert str(FLOOR) in check_page(page)
    closure = Closure.objects.get()
    assert (closure.start_date, closure.end_date) == (start, end)
    table = page.locator("table").inner_text()
    for person in [*people, contact]:
        assert person.get_full_name() in table

    page.get_by_label(f"{contact.get_full_name()}").check()
    page.get_by_role("button", name="밀접접촉자 저장").click()
    page.wait_for_url(f"**/worktime/closures/{closure.pk}/")
    check_page(page)
    assert page.get_by_text("밀접접촉자를 저장하고 배정안을 갱신했습니다.").is_visible()
    screenshot(page, "journey-admin-closure-proposal")

    page.get_by_role("button", name="확정하고 알리기").click()
    page.wait_for_url(f"**/worktime/closures/{closure.pk}/")
    check_page(page)
    assert page.locator(".messages .success, .message.success").first.is_visible()
    assert page.locator("td.confirmed").count() == 2 * 4
    screenshot(page, "journey-admin-closure-confirmed")

    # Two seats at the nearest center on both days, the rest (and the close contact) at home.
    bookings = Booking.objects.filter(origin="closure", status="confirmed")
    assert bookings.count() == 2 * 2
    assert set(bookings.values_list("date", flat=True)) == {start, end}
    at_home = Arrangement.objects.filter(origin="closure", kind="remote_home", status="approved")
    assert contact.pk in set(at_home.values_list("applicant_id", flat=True))
    placed = set(
        Arrangement.objects.filter(origin="closure").values_list("applicant_id", flat=True)
    )
    assert placed == {p.pk for p in [*people, contact]}
    for person in [*people, contact]:
        assert Notification.objects.filter(recipient=person).exists()
