"""A manager makes an API token on a phone after the one-time code, uses it, and revokes it."""

import pytest
import requests

from tests.conftest import screenshot, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_makes_uses_and_revokes_an_api_token(phone_page, live_server, manager_user):
    page = phone_page
    page.goto(f"{live_server.url}/accounts/settings/")
    page.get_by_label("아이디").fill(manager_user.username)
    page.get_by_label("비밀번호").fill("correct-horse-battery")
    page.get_by_role("button", name="로그인").click()
    page.wait_for_url("**/accounts/otp/**")
    page.get_by_label("일회용 코드").fill(totp_code(manager_user.totpdevice_set.get()))
    page.get_by_role("button", name="인증").click()
    page.wait_for_url("**/accounts/settings/")

    page.get_by_label("토큰 용도").fill("결재 알림 스크립트")
    page.get_by_role("button", name="토큰 만들기").click()
    key = page.get_by_test_id("new-api-token").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "api-token-created-phone")

    me = requests.get(
        f"{live_server.url}/api/v1/me/", headers={"Authorization": f"Token {key}"}, timeout=10
    )
    assert me.status_code == 200 and me.json()["username"] == manager_user.username

    page.goto(f"{live_server.url}/accounts/settings/")
    assert key not in page.content()
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="폐기").click()
    page.wait_for_selector("text=API 토큰을 폐기했습니다")
    revoked = requests.get(
        f"{live_server.url}/api/v1/me/", headers={"Authorization": f"Token {key}"}, timeout=10
    )
    assert revoked.status_code == 401
