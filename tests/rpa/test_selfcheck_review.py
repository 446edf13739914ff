"""The health team reads the day's answers: flagged first, a chart, who is missing; all logged."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from rpa import services
from rpa.models import AccessLog, HealthSettings
from tests.rpa.conftest import TODAY
from tests.rpa.factories import quarantine_row, quarantined

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]


def today():
    return TODAY


@pytest.fixture
def residents(health_user, templates):
    """Three residents in quarantine since yesterday: one feverish, one well, one silent."""
    d = today()
    start, end = d - datetime.timedelta(days=1), d + datetime.timedelta(days=5)
    upload = quarantined(
        health_user,
        [
            quarantine_row(1, start=start, end=end, name="김열나"),
            quarantine_row(2, start=start, end=end, name="이건강"),
            quarantine_row(3, start=start, end=end, name="박조용"),
        ],
    )
    people = {r.name: r for r in upload.recipients.all()}
    services.submit_selfcheck(
        recipient=people["김열나"], temperature=Decimal("36.9"), symptoms=[], day=start
    )
    services.submit_selfcheck(
        recipient=people["이건강"], temperature=Decimal("36.6"), symptoms=[], day=d
    )
    services.submit_selfcheck(
        recipient=people["김열나"], temperature=Decimal("38.4"), symptoms=["cough"], day=d
    )
    return people


def test_the_page_lists_flagged_answers_first_then_the_rest_then_the_missing(
    client_for, health_user, residents
):
    page = client_for(health_user).get(reverse("rpa:self_checks")).content.decode()
    assert page.index("김*나") < page.index("이*강") < page.index("박*용")
    flagged_section = page[page.index('id="flagged-heading"') : page.index('id="others-heading"')]
    assert "김*나" in flagged_section and "38.4" in flagged_section
    assert "이*강" not in flagged_section


def test_each_answer_carries_a_server_drawn_temperature_chart_without_script(
    client_for, health_user, residents
):
    page = client_for(health_user).get(reverse("rpa:self_checks")).content.decode()
    flagged_item = page[page.index("김*나") :]
    svg = flagged_item[flagged_item.index("<svg") : flagged_item.index("</svg>")]
    # Yesterday's 36.9 and today's 38.4: two points joined by a line.
    assert svg.count("<circle") == 2 and "<polyline" in svg
    assert "<script" not in page.split("<main", 1)[1].split("</main>", 1)[0]


def test_a_resident_silent_two_days_in_a_row_stands_out(client_for, health_user, residents):
    page = client_for(health_user).get(reverse("rpa:self_checks")).content.decode()
    silent = page[page.index("박*용") - 200 : page.index("박*용") + 300]
    assert "rpa-two-days" in silent


def test_raising_the_threshold_in_the_admin_unflags_a_mild_fever(
    client_for, health_user, admin_user, residents
):
    admin = client_for(admin_user)
    response = admin.post(
        reverse("admin:rpa_healthsettings_change", args=[1]),
        {"fever_from": "38.5", "flag_any_symptom": ""},
    )
    assert response.status_code == 302
    assert HealthSettings.objects.get().fever_from == Decimal("38.5")
    page = client_for(health_user).get(reverse("rpa:self_checks")).content.decode()
    flagged_section = page[page.index('id="flagged-heading"') : page.index('id="others-heading"')]
    assert "김*나" not in flagged_section


def test_viewing_the_answers_is_logged(client_for, health_user, residents):
    client_for(health_user).get(reverse("rpa:self_checks"))
    log = AccessLog.objects.get(user=health_user)
    assert log.action == "view" and log.what == f"self-checks {today()}"


def test_the_answers_are_only_for_the_health_team(client_for, staff_user, residents):
    assert client_for(staff_user).get(reverse("rpa:self_checks")).status_code == 403
    assert not AccessLog.objects.exists()


def test_a_past_day_can_be_read_and_a_bad_day_is_refused_in_one_sentence(
    client_for, health_user, residents
):
    client = client_for(health_user)
    yesterday = today() - datetime.timedelta(days=1)
    page = client.get(reverse("rpa:self_checks"), {"day": yesterday.isoformat()})
    assert "36.9" in page.content.decode()
    refused = client.get(reverse("rpa:self_checks"), {"day": "어제"}, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400
    assert "YYYY-MM-DD" in refused.content.decode()


def test_the_answers_page_reads_the_same_number_of_times_for_3_or_15_residents(
    client_for, health_user, templates
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    d = today()
    client = client_for(health_user)
    counts = []
    for size, offset in ((3, 100), (15, 200)):
        upload = quarantined(
            health_user,
            [
                quarantine_row(offset + i, start=d, end=d + datetime.timedelta(days=3))
                for i in range(size)
            ],
        )
        for recipient in upload.recipients.all()[: size - 1]:
            services.submit_selfcheck(
                recipient=recipient, temperature=Decimal("37.8"), symptoms=[], day=d
            )
        client.get(reverse("rpa:self_checks"))  # sessions and caches warm
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("rpa:self_checks")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
