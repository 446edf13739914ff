"""On a phone: a manager signs in with a TOTP code, approves, and the applicant sees it."""

import pytest

from approvals import services
from tests.approvals.factories import make_org
from tests.conftest import screenshot, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base_url, username, device=None):
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("아이디").fill(username)
    page.get_by_label("비밀번호").fill("correct-horse-battery")
    page.get_by_role("button", name="로그인").click()
    if device is not None:
        page.wait_for_url("**/accounts/otp/**")
        page.get_by_label("일회용 코드").fill(totp_code(device))
        page.get_by_role("button", name="인증").click()
    page.wait_for_url(f"{base_url}/")


def test_manager_approves_on_a_phone_and_applicant_sees_it(phone_page, browser, live_server):
    org = make_org()
    document = services.submit(
        applicant=org.applicant,
        doc_type="worktime.flexible",
        title="시차출퇴근형 유연근무 신청",
        facts=[["기간", "3월 9일 ~ 3월 11일 (3일)"], ["출근 시각", "08:00"]],
        span_days=3,
    )
    page = phone_page
    sign_in(page, live_server.url, org.lead.username, org.lead.totpdevice_set.get())

    page.goto(f"{live_server.url}/approvals/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("결재할 문서")
    assert page.locator(".site-nav .badge").first.text_content() == "1"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "approvals-inbox-phone")

    page.get_by_role("link", name="시차출퇴근형 유연근무 신청").click()
    page.wait_for_url(f"**/approvals/{document.pk}/")
    approve = page.get_by_role("button", name="승인", exact=True)
    box = approve.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 300
    assert page.get_by_text("08:00").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "approvals-detail-phone")
    approve.click()
    page.wait_for_url(f"{live_server.url}/approvals/")
    assert page.get_by_text("승인했습니다.").is_visible()
    assert page.get_by_text("결재할 문서가 없습니다.").is_visible()
    screenshot(page, "approvals-inbox-after-approval-phone")

    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="ko-KR", is_mobile=True, has_touch=True
    )
    try:
        applicant_page = context.new_page()
        applicant_page.set_default_timeout(15000)
        sign_in(applicant_page, live_server.url, org.applicant.username)
        applicant_page.goto(f"{live_server.url}/approvals/{document.pk}/")
        assert applicant_page.locator("#document-status").inner_text() == "승인"
        assert applicant_page.get_by_text("전결").first.is_visible()
        screenshot(applicant_page, "approvals-applicant-sees-approved-phone")
    finally:
        context.close()


def test_return_asks_the_reason_on_the_same_page(phone_page, live_server):
    org = make_org()
    document = services.submit(
        applicant=org.applicant, doc_type="visit_report", title="출장 복명서"
    )
    page = phone_page
    sign_in(page, live_server.url, org.lead.username, org.lead.totpdevice_set.get())
    page.goto(f"{live_server.url}/approvals/{document.pk}/")
    page.get_by_text("반려", exact=True).click()
    page.get_by_label("반려 사유").fill("출장 목적을 구체적으로 적어 주세요")
    screenshot(page, "approvals-return-reason-phone")
    page.get_by_role("button", name="이 사유로 반려").click()
    page.wait_for_url(f"{live_server.url}/approvals/")
    document.refresh_from_db()
    assert document.status == "returned"


def test_desktop_inbox_is_a_table_with_bulk_approval(desktop_page, live_server):
    org = make_org()
    for day in (1, 2):
        services.submit(
            applicant=org.applicant,
            doc_type="worktime.remote",
            title=f"재택근무 {day}일",
            span_days=day,
        )
    page = desktop_page
    sign_in(page, live_server.url, org.lead.username, org.lead.totpdevice_set.get())
    page.goto(f"{live_server.url}/approvals/")
    assert page.locator("table.ap-inbox thead").is_visible()
    for checkbox in page.locator("input[name=documents]").all():
        checkbox.check()
    screenshot(page, "approvals-inbox-desktop")
    page.get_by_role("button", name="선택한 일상 문서 일괄 승인").click()
    page.wait_for_url(f"{live_server.url}/approvals/")
    assert page.get_by_text("재택근무 1일: 승인했습니다.").is_visible()
    assert page.get_by_text("재택근무 2일: 승인했습니다.").is_visible()


def test_service_worker_caches_only_the_shell(phone_page, live_server):
    org = make_org()
    document = services.submit(applicant=org.applicant, doc_type="general", title="비품 구입")
    page = phone_page
    sign_in(page, live_server.url, org.applicant.username)
    page.goto(f"{live_server.url}/approvals/{document.pk}/")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.goto(f"{live_server.url}/approvals/sent/")
    cached = page.evaluate(
        """async () => {
            const urls = [];
            for (const name of await caches.keys()) {
                const cache = await caches.open(name);
                for (const request of await cache.keys()) urls.push(new URL(request.url).pathname);
            }
            return urls;
        }"""
    )
    assert "/offline/" in cached
    assert all(url.startswith("/static/") or url == "/offline/" for url in cached), cached
    page.context.set_offline(True)
    page.goto(f"{live_server.url}/approvals/")
    assert page.get_by_role("heading", level=1).inner_text() == "오프라인 상태입니다"
    page.context.set_offline(False)
