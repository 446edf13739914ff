"""In Chromium: a staff member applies to start two hours late and sees their team lead approve."""

import pytest

from accounts import roles
from approvals import services as approvals
from tests.conftest import screenshot
from tests.factories import UserFactory, org_tree
from worktime.models import Arrangement

from .factories import returned_staggered, working_day

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base_url, username):
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("아이디").fill(username)
    page.get_by_label("비밀번호").fill("correct-horse-battery")
    page.get_by_role("button", name="로그인").click()
    page.wait_for_url(f"{base_url}/")


def test_two_hours_late_start_applied_and_approved(desktop_page, live_server):
    team, lead, _chief, _director = org_tree()
    lead.username = "manager01"
    lead.save()
    staff = UserFactory(username="staff001", role=roles.STAFF, department=team)
    day = working_day(2)
    page = desktop_page

    sign_in(page, live_server.url, "staff001")
    page.goto(f"{live_server.url}/worktime/requests/new/")
    page.select_option("#id_kind", "staggered")
    assert page.locator("#field-hours").is_hidden()  # staggered hours are fixed at 8
    page.fill("#id_start_date", day.isoformat())
    page.select_option("#id_start_time", "10:00")
    page.fill("#id_reason", "아이 등원 후 출근")
    assert lead.get_full_name() in page.locator(".wt-line").inner_text()
    screenshot(page, "worktime-apply-staggered")
    page.get_by_role("button", name="결재 요청").click()
    page.wait_for_url("**/worktime/requests/*/")
    assert "pending" in page.locator("#arrangement-status").get_attribute("class")
    assert "10:00–19:00" in page.content()

    arrangement = Arrangement.objects.get(applicant=staff)
    approvals.approve(document=arrangement.approval, actor=lead)

    page.reload()
    status = page.locator("#arrangement-status")
    assert "approved" in status.get_attribute("class")
    assert "승인" in status.inner_text()
    screenshot(page, "worktime-request-approved")
    page.goto(f"{live_server.url}/worktime/?month={day:%Y-%m}")
    assert page.locator(".wt-entry.approved").count() == 1
    screenshot(page, "worktime-month")


def test_team_board_reads_on_a_phone(phone_page, live_server):
    from worktime import services

    team, lead, _chief, _director = org_tree()
    staff = UserFactory(username="staff001", role=roles.STAFF, department=team)
    mate = UserFactory(username="staff002", role=roles.STAFF, department=team)
    day = working_day(2)
    services.request_arrangement(
        applicant=mate, kind="remote_home", start_date=day, reason="자녀 돌봄"
    )
    page = phone_page
    sign_in(page, live_server.url, staff.username)
    page.goto(f"{live_server.url}/worktime/board/?date={day.isoformat()}")
    card = page.locator(".wt-person", has_text=mate.get_full_name())
    assert "재택" in card.inner_text() and "pending" in card.inner_html()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "worktime-board-phone")


def test_a_returned_request_is_corrected_and_sent_again_on_a_phone(phone_page, live_server):
    team, lead, _chief, _director = org_tree()
    staff = UserFactory(username="staff002", role=roles.STAFF, department=team)
    arrangement = returned_staggered(
        staff,
        lead,
        reason="그날은 오전 회의가 있습니다. 9시로 해 주세요.",
    )
    page = phone_page
    sign_in(page, live_server.url, "staff002")
    page.goto(f"{live_server.url}/worktime/requests/{arrangement.pk}/")
    assert "오전 회의가 있습니다" in page.content()
    page.get_by_role("link", name="고쳐서 다시 올리기").click()
    page.wait_for_url("**/revise/")
    assert page.locator("#id_kind").is_disabled()
    assert page.locator("#id_start_time").input_value() == "10:00"
    page.select_option("#id_start_time", "09:00")
    screenshot(page, "worktime-revise-phone")
    page.get_by_role("button", name="다시 결재 요청").click()
    page.wait_for_url(f"**/worktime/requests/{arrangement.pk}/")
    assert "pending" in page.locator("#arrangement-status").get_attribute("class")
    assert "09:00–18:00" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    arrangement.approval.refresh_from_db()
    assert arrangement.approval.round == 2
