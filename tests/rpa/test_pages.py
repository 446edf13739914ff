import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from rpa import services
from rpa.models import AccessLog, AgencyReport, Upload
from tests.rpa.factories import result_row, sheet, upload_sheet

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]


def csv_file(rows, name="명단.csv"):
    return SimpleUploadedFile(name, sheet(rows), content_type="text/csv")


@pytest.mark.parametrize("fixture", ["staff_user", "manager_user"])
def test_pages_are_forbidden_outside_the_health_team(request, client_for, fixture):
    client = client_for(request.getfixturevalue(fixture))
    assert client.get(reverse("rpa:uploads")).status_code == 403


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(reverse("rpa:uploads"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_upload_shows_preview_with_masked_phones_and_message(client_for, health_user, templates):
    client = client_for(health_user)
    response = client.post(
        reverse("rpa:uploads"), {"file": csv_file([result_row(1, name="김하나")])}
    )
    upload = Upload.objects.get()
    assert response.status_code == 302
    page = client.get(reverse("rpa:upload_detail", args=[upload.pk])).content.decode()
    assert "010-****-0001" in page and "01000000001" not in page
    assert "김하나님 2021-08-02 검사 결과 음성입니다." in page
    assert "SMS" in page
    assert AccessLog.objects.filter(user=health_user, upload=upload, action="view").exists()


def test_refused_file_shows_one_sentence_and_stores_nothing(client_for, health_user):
    client = client_for(health_user)
    response = client.post(
        reverse("rpa:uploads"), {"file": SimpleUploadedFile("x.csv", b"", "text/csv")}
    )
    assert response.status_code == 400
    assert not Upload.objects.exists()


def test_rejected_filter_lists_only_rejected_rows_with_reason(client_for, health_user, templates):
    upload = upload_sheet(
        health_user,
        sheet([result_row(1, name="바른사람"), "잘못된번호,02-123-4567,,2021-08-02,음성,,,"]),
    )
    page = client_for(health_user).get(
        reverse("rpa:upload_detail", args=[upload.pk]) + "?show=rejected"
    )
    text = page.content.decode()
    assert "잘못된번호" in text and "바른사람" not in text
    # The reason names the field in the team's words, not the code's.
    assert "<strong>휴대전화</strong>" in text and "<strong>phone</strong>" not in text


def test_sheet_download_adds_status_and_neutralises_formulas(client_for, health_user):
    upload = upload_sheet(
        health_user, sheet([result_row(1, name="=HYPERLINK(1)"), "나쁜,02-1,,2021-08-02,음성,,,"])
    )
    response = client_for(health_user).get(reverse("rpa:download_sheet", args=[upload.pk]))
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0][-2:] == ("상태", "사유") or len(rows[0]) == len(rows[1])
    assert rows[1][0] == "'=HYPERLINK(1)"
    assert rows[2][-1]
    assert AccessLog.objects.filter(action="export", upload=upload).exists()


def test_confirm_page_flow_queues_and_shows_progress(client_for, health_user, templates):
    upload = upload_sheet(health_user, sheet([result_row(1), result_row(2)]))
    client = client_for(health_user)
    response = client.post(reverse("rpa:confirm", args=[upload.pk]))
    assert response.status_code == 302
    progress = client.get(reverse("rpa:progress", args=[upload.pk]))
    assert b'data-count="queued">2<' in progress.content
    assert progress.context["percent"] == 0  # nothing has left the queue yet
    upload.messages.filter(pk=upload.messages.first().pk).update(status="sent")
    assert client.get(reverse("rpa:progress", args=[upload.pk])).context["percent"] == 50
    partial = client.get(reverse("rpa:progress", args=[upload.pk]), HTTP_HX_REQUEST="true")
    assert b"hx-trigger" in partial.content


def test_stop_from_the_progress_page(client_for, health_user, templates):
    upload = upload_sheet(health_user, sheet([result_row(1)]))
    services.confirm_send(upload=upload, user=health_user)
    client_for(health_user).post(reverse("rpa:stop", args=[upload.pk]))
    upload.refresh_from_db()
    assert upload.status == "stopped"
    assert upload.messages.get().status == "stopped"


def test_confirm_without_template_is_refused(client_for, health_user):
    upload = upload_sheet(health_user, sheet([result_row(1)]))
    client_for(health_user).post(reverse("rpa:confirm", args=[upload.pk]))
    upload.refresh_from_db()
    assert upload.status == "previewed" and not upload.messages.exists()


def test_the_agency_report_link_appears_without_a_reload(client_for, health_user, templates):
    client = client_for(health_user)
    assert client.post(reverse("rpa:request_report")).status_code == 302
    # While the worker prepares it, the list asks again every two seconds.
    page = client.get(reverse("rpa:uploads")).content.decode()
    assert f'hx-get="{reverse("rpa:reports")}"' in page
    report = AgencyReport.objects.get()
    services.build_agency_report(report.pk)
    partial = client.get(reverse("rpa:reports")).content.decode()
    assert reverse("rpa:download_report", args=[report.pk]) in partial
    assert "hx-get" not in partial  # ready: the polling stops


def test_the_agency_report_list_is_for_the_health_team(client_for, staff_user):
    assert client_for(staff_user).get(reverse("rpa:reports")).status_code == 403
