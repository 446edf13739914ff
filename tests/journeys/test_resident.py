"""A quarantined resident opens the link in their text on a phone, without an account, and answers."""

import datetime

import pytest
from django.utils import timezone

from rpa import services
from rpa.models import SelfCheck
from tests.conftest import screenshot
from tests.rpa.factories import make_templates, quarantine_row, sheet, upload_sheet

from .conftest import check_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_resident_answers_the_self_check_from_the_text_on_a_phone(
    phone_page, live_server, watch, health_user, settings
):
    settings.SITE_URL = live_server.url  # the links in texts point at this server
    make_templates()
    today = timezone.localdate()
    upload = upload_sheet(
        health_user,
        sheet(
            [quarantine_row(7, start=today, end=today + datetime.timedelta(days=7), name="한주민")]
        ),
    )
    services.confirm_send(upload=upload, user=health_user)
    message = upload.messages.get()
    link = next(word for word in message.text.split() if word.startswith(live_server.url))
    page = watch(phone_page)

    page.goto(link)
    assert check_page(page, phone=True) == "매일 자가진단"
    assert "한주민" in page.locator("main").inner_text()
    page.locator("input[type=number]").fill("36.7")
    screenshot(page, "journey-resident-selfcheck-phone")
    page.get_by_role("button", name="오늘 자가진단 제출").click()
    page.wait_for_url("**/done/")
    assert check_page(page, phone=True) == "감사합니다"
    screenshot(page, "journey-resident-thanks-phone")
    check = SelfCheck.objects.get(recipient=message.recipient)
    assert str(check.temperature) == "36.7"
