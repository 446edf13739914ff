"""On a phone: a morning trip followed by an afternoon at the nearest center; leave on the board."""

import pytest

from tests.conftest import screenshot
from tests.journeys.conftest import check_page, sign_in
from worktime.away import services
from worktime.away.models import AwayKind, AwayRecord, TripDestination

from .factories import CenterFactory, SeatFactory, team_member, working_day

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("away_kinds"),
]


def test_trip_on_a_phone_offers_the_nearest_center_for_the_afternoon(phone_page, live_server):
    person, _lead, _chief = team_member()
    near = CenterFactory(name="노은도서관 스마트워크센터", latitude=36.3727, longitude=127.3178)
    CenterFactory(name="진잠도서관 스마트워크센터", latitude=36.2995, longitude=127.3176)
    SeatFactory(center=near, label="A-01")
    TripDestination.objects.create(name="노은1동 행정복지센터", latitude=36.369, longitude=127.3204)
    day = working_day(2)
    page = phone_page
    sign_in(page, live_server.url, person, phone=True)

    page.goto(f"{live_server.url}/worktime/away/new/")
    check_page(page, phone=True)
    page.select_option("#id_kind", label="출장")
    page.fill("#id_start_date", day.isoformat())
    page.fill("#id_start_time", "09:00")
    page.fill("#id_end_time", "12:00")
    page.select_option("#id_destination", label="노은1동 행정복지센터")
    page.fill("#id_reason", "주민센터 현장 점검")
    screenshot(page, "away-trip-form-phone")
    page.get_by_role("button", name="등록", exact=True).click()
    page.wait_for_url("**/worktime/away/*/")
    check_page(page, phone=True)
    assert AwayRecord.objects.get(person=person).status == "pending"
    offers = page.locator("#nearby-centers li")
    assert offers.first.inner_text().startswith("노은도서관 스마트워크센터")
    assert "빈 좌석 1석" in offers.first.inner_text()
    screenshot(page, "away-trip-offers-phone")

    offers.first.get_by_role("link").click()
    page.wait_for_url(f"**/centers/{near.pk}/?date={day.isoformat()}&slot=pm")
    check_page(page, phone=True)


def test_board_on_a_phone_shows_a_colleague_on_leave(phone_page, live_server):
    person, lead, _chief = team_member()
    day = working_day(1)
    services.record_away(person=person, kind=AwayKind.objects.get(code="sick"), start_date=day)
    page = phone_page
    sign_in(page, live_server.url, lead, phone=True)
    page.goto(f"{live_server.url}/worktime/board/?date={day.isoformat()}")
    check_page(page, phone=True)
    card = page.locator(".wt-person.where-away")
    assert person.get_full_name() in card.inner_text()
    assert "병가" in card.inner_text()
    screenshot(page, "away-board-leave-phone")
