"""The flexible-work API: codes, shapes and messages in the request's language."""

import pytest

from .factories import SeatFactory, team_member, working_day

pytestmark = pytest.mark.django_db


def test_staggered_request_answers_201_pending_with_its_document(client_for):
    person, _lead, _chief = team_member()
    day = working_day(2)
    response = client_for(person).post(
        "/api/v1/worktime/requests/",
        {
            "kind": "staggered",
            "start_date": day.isoformat(),
            "end_date": day.isoformat(),
            "start_time": "10:00",
            "reason": "아이 등원",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "pending"
    assert isinstance(body["approval"], int)
    assert body["days"][0]["end_time"] == "19:00"
    detail = client_for(person).get(f"/api/v1/worktime/requests/{body['id']}/")
    assert detail.status_code == 200
    assert detail.json()["approval"] == body["approval"]
    listing = client_for(person).get("/api/v1/worktime/requests/").json()
    assert [item["id"] for item in listing["results"]] == [body["id"]]


@pytest.mark.parametrize(
    ("language", "expected"), [("en", "Start between 07:00 and 10:00"), ("ko", "07:00")]
)
def test_field_errors_come_in_the_requests_language(client_for, language, expected):
    person, _lead, _chief = team_member()
    day = working_day(2)
    response = client_for(person).post(
        "/api/v1/worktime/requests/",
        {"kind": "staggered", "start_date": day.isoformat(), "start_time": "10:30", "reason": "x"},
        content_type="application/json",
        headers={"accept-language": language},
    )
    assert response.status_code == 400
    message = response.json()["start_time"][0]
    assert expected in message
    if language == "ko":
        assert "Start between" not in message


def test_malformed_fields_are_400(client_for):
    person, _lead, _chief = team_member()
    response = client_for(person).post(
        "/api/v1/worktime/requests/",
        {"kind": "nap", "start_date": "tomorrow"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert set(response.json()) >= {"kind", "start_date"}


def test_smart_work_request_with_seat(client_for):
    person, _lead, _chief = team_member()
    seat = SeatFactory()
    response = client_for(person).post(
        "/api/v1/worktime/requests/",
        {
            "kind": "smart_work",
            "start_date": working_day(2).isoformat(),
            "center": seat.center_id,
            "seat": seat.pk,
            "reason": "현장 방문",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["days"][0]["seat"]["booking_status"] == "held"


def test_cancel_endpoint_withdraws_pending_and_refuses_twice(client_for):
    person, _lead, _chief = team_member()
    client = client_for(person)
    created = client.post(
        "/api/v1/worktime/requests/",
        {"kind": "remote_home", "start_date": working_day(2).isoformat(), "reason": "돌봄"},
        content_type="application/json",
    ).json()
    first = client.post(f"/api/v1/worktime/requests/{created['id']}/cancel/")
    assert first.status_code == 200
    assert first.json()["status"] == "withdrawn"
    second = client.post(f"/api/v1/worktime/requests/{created['id']}/cancel/")
    assert second.status_code == 409


def test_someone_elses_request_is_404(client_for):
    person, _lead, _chief = team_member()
    other, _l, _c = team_member()
    created = (
        client_for(person)
        .post(
            "/api/v1/worktime/requests/",
            {"kind": "remote_home", "start_date": working_day(2).isoformat(), "reason": "돌봄"},
            content_type="application/json",
        )
        .json()
    )
    client_for(other)
    assert client_for(other).get(f"/api/v1/worktime/requests/{created['id']}/").status_code == 404


def test_board_api_lists_the_team_with_places(client_for):
    person, lead, _chief = team_member()
    day = working_day(2)
    client_for(person).post(
        "/api/v1/worktime/requests/",
        {"kind": "remote_home", "start_date": day.isoformat(), "reason": "돌봄"},
        content_type="application/json",
    )
    response = client_for(lead).get(f"/api/v1/worktime/board/?date={day.isoformat()}")
    assert response.status_code == 200
    people = {row["id"]: row for row in response.json()["people"]}
    assert people[person.pk]["where"] == "home"
    assert people[person.pk]["status"] == "pending"
    assert people[lead.pk]["where"] == "office"
    bad = client_for(lead).get("/api/v1/worktime/board/?date=31-12")
    assert bad.status_code == 400


def test_anonymous_api_is_refused(client):
    assert client.get("/api/v1/worktime/requests/").status_code in (401, 403)
