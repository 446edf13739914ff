"""Self-check limits count bad links per address and answers per valid link, nothing else."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rpa import services
from rpa.models import SelfCheck
from tests.rpa.factories import quarantine_row, sheet, upload_sheet
from tests.security.limits import (  # noqa: F401
    OFFICE,
    cache_down,
    fresh_rate_limits,
    through_proxy,
)

pytestmark = pytest.mark.django_db

CARRIER_NAT = "203.0.113.77"


@pytest.fixture(autouse=True)
def behind_one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1


def quarantined_links(user, count: int) -> list[str]:
    today = timezone.localdate()
    rows = [
        quarantine_row(n, start=today, end=today + datetime.timedelta(days=7)) for n in range(count)
    ]
    upload = upload_sheet(user, sheet(rows))
    return [
        reverse("rpa-selfcheck", args=[services.selfcheck_token(recipient)])
        for recipient in upload.recipients.order_by("row")
    ]


def forged(link: str, n: int) -> str:
    return link.rstrip("/").rsplit(":", 1)[0] + f":forged{n}/"


def test_six_hundred_residents_behind_one_address_all_get_their_page_and_answer(health_user):
    links = quarantined_links(health_user, 600)
    headers = through_proxy(CARRIER_NAT)
    for link in links:
        resident = Client()
        assert resident.get(link, **headers).status_code == 200
        answer = resident.post(link, {"temperature": "36.6"}, **headers)
        assert answer.status_code == 302 and answer["Location"].endswith("/done/")
    assert SelfCheck.objects.count() == 600


def test_an_address_guessing_links_gets_429(settings, health_user):
    settings.RPA_SELFCHECK_BAD_LINKS_PER_HOUR = 20
    link = quarantined_links(health_user, 1)[0]
    attacker = Client()
    statuses = [
        attacker.get(forged(link, n), **through_proxy(OFFICE, forged=f"6.6.6.{n}")).status_code
        for n in range(21)
    ]
    assert statuses[:20] == [404] * 20
    assert statuses[20] == 429
    page = attacker.get(forged(link, 99), HTTP_ACCEPT_LANGUAGE="en", **through_proxy(OFFICE))
    assert "Check the link in your text message" in page.content.decode()


def test_guessing_links_from_an_address_never_stops_a_valid_link_there(settings, health_user):
    settings.RPA_SELFCHECK_BAD_LINKS_PER_HOUR = 5
    link = quarantined_links(health_user, 1)[0]
    for n in range(10):
        Client().get(forged(link, n), **through_proxy(CARRIER_NAT))
    resident = Client()
    assert resident.get(link, **through_proxy(CARRIER_NAT)).status_code == 200
    answer = resident.post(link, {"temperature": "36.6"}, **through_proxy(CARRIER_NAT))
    assert answer.status_code == 302


def test_one_valid_link_posting_too_many_answers_is_limited(settings, health_user):
    settings.RPA_SELFCHECK_ANSWERS_PER_HOUR = 5
    link = quarantined_links(health_user, 1)[0]
    statuses = [
        Client().post(link, {"temperature": "hot"}, **through_proxy(f"198.51.100.{n}")).status_code
        for n in range(6)
    ]
    assert statuses == [200] * 5 + [429]
    assert not SelfCheck.objects.exists()


@pytest.mark.usefixtures("cache_down")
def test_a_resident_answers_while_the_cache_is_down(health_user):
    link = quarantined_links(health_user, 1)[0]
    assert Client().get(forged(link, 1)).status_code == 404
    answer = Client().post(link, {"temperature": "36.6"})
    assert answer.status_code == 302
    assert SelfCheck.objects.count() == 1
