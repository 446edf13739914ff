"""Helpers of the journeys: sign-in, page checks (heading, no sideways scroll, no console errors)."""

import os
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from tests.conftest import totp_code

# Importing the rpa fixtures' module names the gateway simulator in the environment before the
# session's Celery worker starts (it copies the environment), whichever test directory runs.
from tests.rpa.conftest import SIM_PORT, SIM_RECORD, Simulator, start_simulator

PASSWORD = "correct-horse-battery"
PHONE_WIDTH = 390


class Watcher:
    """Collects console errors, page errors and CSP violations of every page in a context."""

    def __init__(self):
        self.problems: list[str] = []

    def attach(self, page):
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        return page

    def _console(self, message):
        if message.type in ("error", "warning") and (
            message.type == "error" or "Content Security Policy" in message.text
        ):
            self.problems.append(f"{message.type}: {message.text} ({message.location.get('url')})")

    def assert_clean(self):
        assert not self.problems, "\n".join(self.problems)


@pytest.fixture
def watch():
    """`watch(page)` records the page's console errors; the journey fails if there are any."""
    watcher = Watcher()
    yield watcher.attach
    watcher.assert_clean()


def check_page(page, *, phone: bool = False) -> str:
    """Every page has one <h1>; on a phone nothing is wider than the screen. Returns the h1."""
    page.wait_for_load_state("load")
    heading = page.locator("h1")
    assert heading.count() >= 1, f"no <h1> on {page.url}"
    if phone:
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE_WIDTH, f"{page.url} scrolls sideways: {width}px"
    return heading.first.inner_text()


def sign_in(page, base_url: str, user, *, phone: bool = False, next_path: str = "/"):
    """Sign in through the form, with the TOTP step when the user has a device."""
    page.goto(f"{base_url}/accounts/login/?next={next_path}")
    check_page(page, phone=phone)
    page.get_by_label("아이디").fill(user.username)
    page.get_by_label("비밀번호").fill(PASSWORD)
    page.get_by_role("button", name="로그인").click()
    device = user.totpdevice_set.filter(confirmed=True).first()
    if device is not None:
        page.wait_for_url("**/accounts/otp/**")
        check_page(page, phone=phone)
        page.get_by_label("일회용 코드").fill(totp_code(device))
        page.get_by_role("button", name="인증").click()
    page.wait_for_url(f"{base_url}{next_path}")
    check_page(page, phone=phone)


def new_phone_page(browser, watch):
    context = browser.new_context(
        viewport={"width": PHONE_WIDTH, "height": 844},
        locale="ko-KR",
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    return watch(page)


@pytest.fixture(scope="package")
def sms_simulator():
    """The gateway simulator on the port the environment names, stopped after the journeys."""
    process = start_simulator(SIM_PORT, SIM_RECORD)
    yield Simulator(os.environ["SMS_GATEWAY_URL"], SIM_RECORD)
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def rpa_settings(settings):
    settings.SMS_GATEWAY_URL = os.environ["SMS_GATEWAY_URL"]
    settings.RPA_RETRY_BASE_SECONDS = 1
    settings.SMS_GATEWAY_TIMEOUT = 5
    settings.RPA_PRIVATE_ROOT = Path(os.environ["RPA_PRIVATE_ROOT"])
    django_settings.SMS_GATEWAY_URL = os.environ["SMS_GATEWAY_URL"]
    return settings


def named(person, lead, *, name="김민지", lead_name="박지훈", team="총무팀"):
    """Give the factory people the names a screenshot in the README should show."""
    person.full_name = name
    person.save(update_fields=["full_name"])
    lead.full_name = lead_name
    lead.save(update_fields=["full_name"])
    person.department.name = team
    person.department.save(update_fields=["name"])
    return person, lead
