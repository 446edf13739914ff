"""Pages, exports and API answers with residents' or staff's data are never kept in a browser's
or a proxy's cache: `Cache-Control: no-store` on everything a signed-in person or a self-check
link gets, while static files stay cacheable."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from rpa import services as rpa_services
from rpa.models import AgencyReport
from tests.rpa.factories import quarantine_row, result_row, sheet, upload_sheet
from tests.rpa.test_api import api_client

pytestmark = pytest.mark.django_db


def is_not_stored(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_the_health_teams_upload_list_is_not_stored(client_for, health_user):
    upload_sheet(health_user, sheet([result_row(1)]))
    response = client_for(health_user).get(reverse("rpa:uploads"))
    assert response.status_code == 200
    assert is_not_stored(response)


def test_a_case_sheet_download_is_not_stored(client_for, health_user):
    upload = upload_sheet(health_user, sheet([result_row(1)]))
    response = client_for(health_user).get(reverse("rpa:download_sheet", args=[upload.pk]))
    assert response.status_code == 200
    assert is_not_stored(response)


def test_the_agency_report_download_is_not_stored(client_for, health_user):
    client = client_for(health_user)
    client.post(reverse("rpa:request_report"))
    report = AgencyReport.objects.get()
    rpa_services.build_agency_report(report.pk)
    response = client.get(reverse("rpa:download_report", args=[report.pk]))
    assert response.status_code == 200
    assert is_not_stored(response)


def test_the_personnel_export_is_not_stored(client_for, admin_user):
    response = client_for(admin_user).get(reverse("worktime:export") + "?format=csv")
    assert response.status_code == 200
    assert is_not_stored(response)


def test_an_api_answer_about_an_upload_is_not_stored(health_user):
    upload = upload_sheet(health_user, sheet([result_row(1)]))
    response = api_client(health_user).get(f"/api/v1/rpa/uploads/{upload.pk}/")
    assert response.status_code == 200
    assert is_not_stored(response)


def test_a_residents_self_check_page_is_not_stored(client, health_user):
    today = timezone.localdate()
    upload = upload_sheet(
        health_user,
        sheet([quarantine_row(1, start=today, end=today + datetime.timedelta(days=7))]),
    )
    token = rpa_services.selfcheck_token(upload.recipients.get())
    response = client.get(reverse("rpa-selfcheck", args=[token]))
    assert response.status_code == 200
    assert is_not_stored(response)


def test_an_expired_self_check_link_is_not_stored_either(client):
    response = client.get(reverse("rpa-selfcheck", args=["1.20200101:forged"]))
    assert response.status_code == 404
    assert is_not_stored(response)


def test_a_page_that_chose_its_own_caching_keeps_it(client_for, health_user):
    # The offline page is the same for everyone and the service worker keeps it.
    response = client_for(health_user).get("/offline/")
    assert response["Cache-Control"] == "public, max-age=3600"


def test_static_files_stay_cacheable_for_a_signed_in_person(client_for, health_user):
    response = client_for(health_user).get("/static/css/app.css")
    assert response.status_code == 200
    assert not is_not_stored(response)
