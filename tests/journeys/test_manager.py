"""A team lead on a phone signs in with a TOTP code and approves a late start; the applicant sees it."""

import datetime as dt

import pytest

from tests.conftest import screenshot
from tests.worktime.factories import team_member, working_day
from worktime import services

from .conftest import check_page, named, new_phone_page, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_approves_a_late_start_on_a_phone(phone_page, browser, live_server, watch):
    person, lead, _chief = team_member()
    named(person, lead)
    day = working_day(7)
    arrangement = services.request_arrangement(
        applicant=person,
        kind="staggered",
        start_date=day,
        start_time=dt.time(10, 0),
        reason="아이 등원 후 출근",
    )
    base = live_server.url
    page = watch(phone_page)

    sign_in(page, base, lead, phone=True)
    screenshot(page, "journey-manager-home-phone")
    page.locator('main a[href="/approvals/"]').first.click()
    page.wait_for_url(f"{base}/approvals/")
    assert check_page(page, phone=True).startswith("결재할 문서")
    assert page.locator(".site-nav .badge").first.text_content() == "1"
    screenshot(page, "journey-manager-inbox-phone")

    page.get_by_role("link", name=arrangement.approval.title).click()
    page.wait_for_url(f"**/approvals/{arrangement.approval_id}/")
    check_page(page, phone=True)
    assert page.get_by_text("10:00").first.is_visible()
    approve = page.get_by_role("button", name="승인", exact=True)
    box = approve.bounding_box()
    assert box["height"] >= 44
    screenshot(page, "journey-manager-detail-phone")
    approve.click()
    page.wait_for_url(f"{base}/approvals/")
    check_page(page, phone=True)
    assert page.get_by_text("승인했습니다.").is_visible()
    screenshot(page, "journey-manager-approved-phone")

    arrangement.refresh_from_db()
    assert arrangement.status == "approved"

    # The applicant, on their own phone, sees the late start approved in their month.
    mine = new_phone_page(browser, watch)
    try:
        sign_in(mine, base, person, phone=True)
        mine.goto(f"{base}/worktime/?month={day:%Y-%m}")
        check_page(mine, phone=True)
        entry = mine.locator(".wt-entry.kind-staggered")
        assert "approved" in entry.get_attribute("class")
        assert "승인" in entry.inner_text()
        mine.goto(f"{base}/worktime/requests/{arrangement.pk}/")
        check_page(mine, phone=True)
        status = mine.locator("#arrangement-status")
        assert "approved" in status.get_attribute("class") and "승인" in status.inner_text()
        screenshot(mine, "journey-manager-applicant-sees-approved-phone")
    finally:
        mine.context.close()
