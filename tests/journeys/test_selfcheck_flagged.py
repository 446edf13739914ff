"""A resident reports a fever from the link in their text; the health team sees it first."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Notification
from rpa import services
from rpa.models import SelfCheck
from tests.conftest import screenshot
from tests.rpa.factories import make_templates, quarantine_row, quarantined

from .conftest import check_page, new_phone_page, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_fever_reported_on_a_phone_is_at_the_top_of_the_health_teams_page(
    phone_page, browser, live_server, watch, health_user, settings
):
    settings.SITE_URL = live_server.url  # the links in texts point at this server
    make_templates()
    today = timezone.localdate()
    start, end = today - datetime.timedelta(days=2), today + datetime.timedelta(days=5)
    upload = quarantined(
        health_user,
        [
            quarantine_row(1, start=start, end=end, name="한주민"),
            quarantine_row(2, start=start, end=end, name="이건강"),
            quarantine_row(3, start=start, end=end, name="박조용"),
        ],
    )
    people = {r.name: r for r in upload.recipients.all()}
    for day, temperature in [(start, "36.6"), (start + datetime.timedelta(days=1), "37.1")]:
        services.submit_selfcheck(
            recipient=people["한주민"], temperature=Decimal(temperature), symptoms=[], day=day
        )
    services.submit_selfcheck(
        recipient=people["이건강"], temperature=Decimal("36.5"), symptoms=[], day=today
    )
    text = upload.messages.get(recipient=people["한주민"]).text
    link = next(word for word in text.split() if word.startswith(live_server.url))

    resident = watch(phone_page)
    resident.goto(link)
    assert check_page(resident, phone=True) == "매일 자가진단"
    resident.locator("input[type=number]").fill("38.4")
    resident.get_by_label("기침").check()
    resident.get_by_role("button", name="오늘 자가진단 제출").click()
    resident.wait_for_url("**/done/")
    assert SelfCheck.objects.get(recipient=people["한주민"], day=today).temperature == Decimal(
        "38.4"
    )
    # The health team is told at once, in the app (e-mail and push leave from the worker).
    alert = Notification.objects.get(recipient=health_user)
    assert "38.4" in alert.title and "한*민" in alert.title

    team = new_phone_page(browser, watch)
    sign_in(team, live_server.url, health_user, phone=True, next_path="/rpa/self-checks/")
    assert check_page(team, phone=True) == f"{today:%Y-%m-%d} 자가진단 응답"
    first = team.locator(".rpa-answer").first
    assert "한*민" in first.inner_text() and "38.4 °C" in first.inner_text()
    assert first.get_attribute("data-flagged") == "true"
    assert first.locator("svg circle").count() == 3  # the quarantine so far: three answers
    assert "이*강" in team.locator(".rpa-answer").nth(1).inner_text()
    assert "박*용" in team.locator("#missing-heading + ul").inner_text()
    screenshot(team, "journey-health-selfcheck-flagged-phone")
    team.context.close()
