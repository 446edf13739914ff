"""Every answer of the flexible-work API is what the OpenAPI schema documents."""

import datetime as dt

import pytest

from tests.security.openapi import assert_matches_schema

from .factories import SeatFactory, team_member, working_day

pytestmark = pytest.mark.django_db

REQUESTS = "/api/v1/worktime/requests/"
REQUEST = "/api/v1/worktime/requests/{id}/"
CANCEL = "/api/v1/worktime/requests/{id}/cancel/"
BOARD = "/api/v1/worktime/board/"


def _post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_requests_list_detail_and_cancel_match_the_schema(client_for):
    person, _lead, _chief = team_member()
    client = client_for(person)
    seat = SeatFactory()
    created = _post(
        client,
        REQUESTS,
        {
            "kind": "smart_work",
            "start_date": working_day(2).isoformat(),
            "center": seat.center_id,
            "seat": seat.pk,
            "reason": "현장 방문",
        },
    )
    assert created.status_code == 201, created.content
    assert_matches_schema(created, REQUESTS, "POST")
    pk = created.json()["id"]
    staggered = _post(
        client,
        REQUESTS,
        {
            "kind": "staggered",
            "start_date": working_day(3).isoformat(),
            "start_time": "10:00",
            "reason": "아이 등원",
        },
    )
    assert_matches_schema(staggered, REQUESTS, "POST")

    listing = client.get(REQUESTS)
    assert listing.json()["count"] == 2
    assert_matches_schema(listing, REQUESTS)
    assert_matches_schema(client.get(REQUESTS + "?page=9"), REQUESTS)  # 404, no such page
    assert_matches_schema(client.get(f"{REQUESTS}{pk}/"), REQUEST)

    withdrawn = client.post(f"{REQUESTS}{pk}/cancel/")
    assert withdrawn.json()["status"] == "withdrawn"
    assert_matches_schema(withdrawn, CANCEL, "POST")
    again = client.post(f"{REQUESTS}{pk}/cancel/")
    assert again.status_code == 409
    assert again.json()["detail"]
    assert_matches_schema(again, CANCEL, "POST")


def test_error_answers_match_the_schema(client_for, client):
    person, _lead, _chief = team_member()
    api = client_for(person)
    malformed = _post(
        api,
        REQUESTS,
        {"kind": "nap", "start_date": "tomorrow", "weekdays": [1, 9], "daily_hours": {"0": "x"}},
    )
    assert malformed.status_code == 400
    assert set(malformed.json()) >= {"kind", "start_date", "weekdays", "daily_hours"}
    assert_matches_schema(malformed, REQUESTS, "POST")
    too_late = _post(
        api,
        REQUESTS,
        {"kind": "staggered", "start_date": working_day(2).isoformat(), "start_time": "10:30"},
    )
    assert too_late.status_code == 400
    assert_matches_schema(too_late, REQUESTS, "POST")
    unreadable = api.post(REQUESTS, "{", content_type="application/json")
    assert unreadable.status_code == 400
    assert_matches_schema(unreadable, REQUESTS, "POST")

    assert_matches_schema(api.get(f"{REQUESTS}999999/"), REQUEST)
    assert_matches_schema(api.post(f"{REQUESTS}999999/cancel/"), CANCEL, "POST")
    assert_matches_schema(client.get(REQUESTS), REQUESTS)  # anonymous: 403


def test_unknown_api_urls_of_the_app_are_json_404(client_for):
    person, _lead, _chief = team_member()
    response = client_for(person).get(f"{REQUESTS}null,null/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]


def test_board_matches_the_schema(client_for):
    person, lead, _chief = team_member()
    day = working_day(2)
    _post(
        client_for(person),
        REQUESTS,
        {"kind": "remote_home", "start_date": day.isoformat(), "reason": "돌봄"},
    )
    board = client_for(lead).get(f"{BOARD}?date={day.isoformat()}")
    assert {row["where"] for row in board.json()["people"]} >= {"home", "office"}
    assert_matches_schema(board, BOARD)
    saturday = day + dt.timedelta(days=5 - day.weekday())
    assert_matches_schema(client_for(lead).get(f"{BOARD}?date={saturday.isoformat()}"), BOARD)
    bad = client_for(lead).get(f"{BOARD}?date=31-12")
    assert bad.status_code == 400
    assert_matches_schema(bad, BOARD)
