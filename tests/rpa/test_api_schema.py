"""Every answer of the health team's API is what the OpenAPI schema documents."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from rpa.models import OutboxMessage
from tests.factories import api_token_key
from tests.rpa.factories import result_row, sheet
from tests.security.openapi import assert_matches_schema

pytestmark = pytest.mark.django_db

from tests.samples import SAMPLES  # noqa: E402

UPLOADS = "/api/v1/rpa/uploads/"
UPLOAD = "/api/v1/rpa/uploads/{id}/"
MESSAGES = "/api/v1/rpa/uploads/{id}/messages/"


def api_client(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_key(user)}")
    return client


def post_sheet(client, name, data):
    return client.post(UPLOADS, {"file": SimpleUploadedFile(name, data)}, format="multipart")


@pytest.mark.parametrize(
    "name", ["standard.xlsx", "duplicates.xlsx", "missing-fields.xlsx", "empty.csv"]
)
def test_uploads_match_the_schema(health_user, name):
    response = post_sheet(api_client(health_user), name, (SAMPLES / name).read_bytes())
    assert response.status_code in (201, 400)
    assert_matches_schema(response, UPLOADS, "POST")


def test_sending_stopping_and_listing_match_the_schema(health_user, templates):
    client = api_client(health_user)
    created = post_sheet(client, "a.csv", sheet([result_row(1), result_row(2)]))
    upload_id = created.json()["id"]
    assert_matches_schema(client.get(f"{UPLOADS}{upload_id}/"), UPLOAD)
    early_stop = client.post(f"{UPLOADS}{upload_id}/stop/")
    assert early_stop.status_code == 409
    assert_matches_schema(early_stop, UPLOAD + "stop/", "POST")

    sent = client.post(f"{UPLOADS}{upload_id}/send/")
    assert sent.status_code == 202
    assert sent.json()["affected"] == 2
    assert_matches_schema(sent, UPLOAD + "send/", "POST")
    again = client.post(f"{UPLOADS}{upload_id}/send/")
    assert again.status_code == 409
    assert_matches_schema(again, UPLOAD + "send/", "POST")

    OutboxMessage.objects.filter(upload_id=upload_id, recipient__row=3).update(
        status="failed", failure_reason="unreachable"
    )
    failed = client.get(f"{UPLOADS}{upload_id}/messages/?status=failed")
    assert failed.json()["count"] == 1
    assert_matches_schema(failed, MESSAGES)
    assert_matches_schema(client.get(f"{UPLOADS}{upload_id}/messages/?page=5"), MESSAGES)
    resent = client.post(f"{UPLOADS}{upload_id}/resend-failed/")
    assert resent.status_code == 202
    assert_matches_schema(resent, UPLOAD + "resend-failed/", "POST")
    stopped = client.post(f"{UPLOADS}{upload_id}/stop/")
    assert stopped.status_code == 200
    assert_matches_schema(stopped, UPLOAD + "stop/", "POST")


def test_refusals_match_the_schema(health_user, staff_user):
    health = api_client(health_user)
    assert_matches_schema(health.post(UPLOADS, {}, format="multipart"), UPLOADS, "POST")
    assert_matches_schema(health.get(f"{UPLOADS}999999/"), UPLOAD)
    assert_matches_schema(health.post(f"{UPLOADS}999999/send/"), UPLOAD + "send/", "POST")
    assert_matches_schema(health.get(f"{UPLOADS}999999/messages/"), MESSAGES)
    staff = api_client(staff_user)
    assert_matches_schema(staff.get(f"{UPLOADS}1/"), UPLOAD)
    assert_matches_schema(staff.get(f"{UPLOADS}1/messages/"), MESSAGES)
    assert_matches_schema(post_sheet(staff, "a.csv", sheet([result_row(1)])), UPLOADS, "POST")


def test_unknown_api_urls_of_the_app_are_json_404(health_user):
    response = api_client(health_user).get(f"{UPLOADS}null,null/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
