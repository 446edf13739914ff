"""A manager makes an API token on a phone after the one-time code, uses it, and revokes it."""

import pytest
import requests

from tests.conftest import screenshot
from tests.journeys.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def me_with(live_server, key: str) -> requests.Response:
    """A script's request; the connection closes, so no server thread holds the database."""
    headers = {"Authorization": f"Token {key}", "Connection": "close"}
    return requests.get(f"{live_server.url}/api/v1/me/", headers=headers, timeout=10)


def test_manager_makes_uses_and_revokes_an_api_token(phone_page, live_server, manager_user):
    page = phone_page
    sign_in(page, live_server.url, manager_user, phone=True, next_path="/accounts/settings/")

    page.get_by_label("토큰 용도").fill("결재 알림 스크립트")
    page.get_by_role("button", name="토큰 만들기").click()
    key = page.get_by_test_id("new-api-token").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "api-token-created-phone")

    me = me_with(live_server, key)
    assert me.status_code == 200 and me.json()["username"] == manager_user.username

    page.goto(f"{live_server.url}/accounts/settings/")
    assert key not in page.content()
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="폐기").click()
    page.wait_for_selector("text=API 토큰을 폐기했습니다")
    revoked = me_with(live_server, key)
    assert revoked.status_code == 401
