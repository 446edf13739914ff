"""A manager signs in on a phone with password and TOTP code and sees the Korean home page."""

import pytest

from tests.conftest import screenshot, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_signs_in_with_totp_and_sees_korean_home(phone_page, live_server, manager_user):
    page = phone_page
    page.goto(f"{live_server.url}/")
    assert page.locator("html").get_attribute("lang") == "ko"
    page.get_by_label("아이디").fill(manager_user.username)
    page.get_by_label("비밀번호").fill("correct-horse-battery")
    page.get_by_role("button", name="로그인").click()
    page.wait_for_url("**/accounts/otp/**")
    device = manager_user.totpdevice_set.get()
    code_field = page.get_by_label("일회용 코드")
    assert code_field.get_attribute("autocomplete") == "one-time-code"
    code_field.fill(totp_code(device))
    page.get_by_role("button", name="인증").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("heading", level=1).inner_text().endswith("안녕하세요")
    # Nothing wider than the phone: no horizontal scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "home-manager-phone")


def test_english_is_selectable(desktop_page, live_server, staff_user, client):
    page = desktop_page
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Sign in to Flexwork"
