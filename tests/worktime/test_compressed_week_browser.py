"""On a phone: a compressed week (집약근무형) of four ten-hour days, typed in the request form."""

import datetime as dt

import pytest

from tests.conftest import screenshot
from tests.journeys.conftest import check_page, sign_in
from worktime.models import Arrangement

from .factories import team_member, working_day

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_four_ten_hour_days_typed_on_a_phone(phone_page, live_server):
    person, _lead, _chief = team_member()
    monday = working_day(3, weekday=0)
    page = phone_page
    sign_in(page, live_server.url, person, phone=True)
    page.goto(f"{live_server.url}/worktime/requests/new/")
    assert page.locator("#field-daily_hours").is_hidden()  # staggered: eight hours, fixed
    page.select_option("#id_kind", "compressed")
    assert page.locator("#field-daily_hours").is_visible()
    page.fill("#id_start_date", monday.isoformat())
    page.fill("#id_end_date", (monday + dt.timedelta(days=4)).isoformat())
    page.select_option("#id_start_time", "08:00")
    for weekday in range(4):
        page.fill(f"#id_daily_hours_{weekday}", "10")
    page.fill("#id_reason", "금요일 대학원 수업")
    check_page(page, phone=True)
    screenshot(page, "worktime-compressed-week-phone")
    page.get_by_role("button", name="결재 요청").click()
    page.wait_for_url("**/worktime/requests/*/")
    check_page(page, phone=True)
    arrangement = Arrangement.objects.get(applicant=person)
    assert arrangement.daily_hours == {str(d): "10" for d in range(4)}
    assert {day.date.weekday() for day in arrangement.days.all()} <= {0, 1, 2, 3}
