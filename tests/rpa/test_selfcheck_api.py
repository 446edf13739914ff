"""GET /api/v1/rpa/selfchecks/: the day's answers for the health team, flagged first, logged."""

import datetime
from decimal import Decimal

import pytest

from rpa import services
from rpa.models import AccessLog
from tests.conftest import verified_client
from tests.rpa.conftest import TODAY
from tests.rpa.factories import quarantine_row, quarantined

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]
URL = "/api/v1/rpa/selfchecks/"


@pytest.fixture
def answers(health_user, templates):
    d = TODAY
    end = d + datetime.timedelta(days=5)
    upload = quarantined(
        health_user,
        [
            quarantine_row(1, start=d, end=end, name="이건강"),
            quarantine_row(2, start=d, end=end, name="김열나"),
            quarantine_row(3, start=d, end=end, name="최기침"),
        ],
    )
    people = {r.name: r for r in upload.recipients.all()}
    for name, temperature, symptoms in [
        ("이건강", "36.6", []),
        ("김열나", "38.4", []),
        ("최기침", "36.8", ["cough"]),
    ]:
        services.submit_selfcheck(
            recipient=people[name],
            temperature=Decimal(temperature),
            symptoms=symptoms,
            day=d,
        )
    return d


def test_the_health_team_gets_the_days_answers_flagged_first(client, health_user, answers):
    response = verified_client(client, health_user).get(URL, {"day": answers.isoformat()})
    assert response.status_code == 200
    items = response.json()
    assert [(i["name"], i["flagged"]) for i in items] == [
        ("김*나", True),
        ("최*침", True),
        ("이*강", False),
    ]
    assert items[0]["temperature"] == "38.4" and items[0]["day"] == answers.isoformat()
    assert items[1]["symptoms"] == ["cough"]
    assert "01000000002" not in response.content.decode()


def test_reading_the_answers_through_the_api_is_logged(client, health_user, answers):
    verified_client(client, health_user).get(URL)
    log = AccessLog.objects.get(user=health_user)
    assert log.action == "api" and log.what == f"self-checks {answers}"


def test_anyone_else_gets_403(client, staff_user, manager_user, answers):
    for user in (staff_user, manager_user):
        assert verified_client(client, user).get(URL).status_code == 403
    client.logout()
    assert client.get(URL).status_code in (401, 403)
    assert not AccessLog.objects.exists()


def test_a_bad_day_is_refused_with_what_to_send(client, health_user, answers):
    response = verified_client(client, health_user).get(
        URL, {"day": "2026-13-01"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert "YYYY-MM-DD" in response.json()["detail"]
