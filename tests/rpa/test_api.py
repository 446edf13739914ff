import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from rpa.models import OutboxMessage, Upload
from tests.factories import api_token_key
from tests.rpa.factories import result_row, sheet

pytestmark = pytest.mark.django_db

from tests.samples import SAMPLES  # noqa: E402

SAMPLE_NAMES = sorted(
    p.name for p in SAMPLES.glob("*") if not p.name.endswith(".json") and "large" not in p.name
)


def api_client(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_key(user)}")
    return client


def post_sheet(client, name, data):
    return client.post(
        "/api/v1/rpa/uploads/", {"file": SimpleUploadedFile(name, data)}, format="multipart"
    )


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_samples_through_the_api_match_the_expected_conclusions(health_user, name):
    expected = json.loads((SAMPLES / f"{name}.expected.json").read_text())
    response = post_sheet(api_client(health_user), name, (SAMPLES / name).read_bytes())
    if expected.get("outcome") != "ok":
        assert response.status_code == 400
        assert response.json()["detail"]
        assert not Upload.objects.exists()
        return
    assert response.status_code == 201
    body = response.json()
    assert body["id"] == Upload.objects.get().pk
    rows = {str(row["row"]): row for row in body["rows"]}
    for number, want in expected["rows"].items():
        for key, value in want.items():
            if key in rows[number]:
                assert rows[number][key] == value, (number, key)
        assert rows[number]["status"] == want["status"]


def test_send_then_counts_then_failed_listing(health_user, templates):
    client = api_client(health_user)
    upload_id = post_sheet(client, "a.csv", sheet([result_row(1), result_row(2)])).json()["id"]
    assert client.post(f"/api/v1/rpa/uploads/{upload_id}/send/").status_code == 202
    counts = client.get(f"/api/v1/rpa/uploads/{upload_id}/").json()["counts"]
    assert {k: counts[k] for k in ("queued", "sending", "sent", "delivered", "failed")} == {
        "queued": 2,
        "sending": 0,
        "sent": 0,
        "delivered": 0,
        "failed": 0,
    }
    OutboxMessage.objects.filter(upload_id=upload_id, recipient__row=3).update(
        status="failed", failure_reason="unreachable"
    )
    failed = client.get(f"/api/v1/rpa/uploads/{upload_id}/messages/?status=failed").json()
    assert [m["failure_reason"] for m in failed["results"]] == ["unreachable"]
    assert failed["results"][0]["to"] == "010-****-0002"
    assert client.post(f"/api/v1/rpa/uploads/{upload_id}/resend-failed/").status_code == 202
    assert client.post(f"/api/v1/rpa/uploads/{upload_id}/stop/").status_code == 200
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"stopped"}


def test_second_send_is_409(health_user, templates):
    client = api_client(health_user)
    upload_id = post_sheet(client, "a.csv", sheet([result_row(1)])).json()["id"]
    client.post(f"/api/v1/rpa/uploads/{upload_id}/send/")
    assert client.post(f"/api/v1/rpa/uploads/{upload_id}/send/").status_code == 409
    assert OutboxMessage.objects.count() == 1


def test_refused_file_is_400_with_one_sentence(health_user):
    response = post_sheet(api_client(health_user), "empty.csv", b"")
    assert response.status_code == 400
    assert response.json()["detail"].strip()


@pytest.mark.parametrize("fixture", ["staff_user", "manager_user"])
def test_api_is_forbidden_outside_the_health_team(request, fixture):
    client = api_client(request.getfixturevalue(fixture))
    assert post_sheet(client, "a.csv", sheet([result_row(1)])).status_code == 403
    assert client.get("/api/v1/rpa/uploads/1/").status_code == 403


def test_anonymous_api_is_refused():
    assert APIClient().get("/api/v1/rpa/uploads/1/").status_code in (401, 403)
