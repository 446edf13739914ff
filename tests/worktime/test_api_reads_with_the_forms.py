"""The API reads a body with the page's own form: one parser for each request shape."""

import datetime as dt

import pytest

from tests.security.openapi import assert_matches_schema
from worktime.away.api import AwayInputSerializer
from worktime.away.forms import AwayForm
from worktime.forms import ArrangementRequestForm
from worktime.models import Arrangement
from worktime.serializers import RequestInputSerializer

from .factories import team_member, working_day

REQUESTS = "/api/v1/worktime/requests/"
AWAY = "/api/v1/worktime/away/"


def test_the_documented_bodies_are_the_forms_fields():
    assert set(RequestInputSerializer().fields) == set(ArrangementRequestForm.base_fields)
    assert set(AwayInputSerializer().fields) == set(AwayForm.base_fields)


def compressed_week(**extra) -> dict:
    """A 집약근무형 week: four days of ten hours, Friday off."""
    monday = working_day(3, weekday=0)
    return {
        "kind": "compressed",
        "start_date": monday.isoformat(),
        "end_date": (monday + dt.timedelta(days=4)).isoformat(),
        "start_time": "08:00",
        "reason": "금요일 대학원 수업",
        **extra,
    }


@pytest.mark.django_db
def test_hours_per_weekday_read_alike_from_the_api_and_the_page(client_for):
    by_api, _lead, _chief = team_member()
    response = client_for(by_api).post(
        REQUESTS,
        compressed_week(daily_hours={"0": "10", "1": "10", "2": "10", "3": 10}),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    by_page, _lead, _chief = team_member()
    boxes = {"daily_hours_0": "10", "daily_hours_1": "10", "daily_hours_2": "10"}
    page = client_for(by_page).post(
        "/worktime/requests/new/",
        compressed_week(**boxes, daily_hours_3="10", daily_hours_4=""),
    )
    assert page.status_code == 302, page.content.decode()[:2000]
    from_api = Arrangement.objects.get(applicant=by_api)
    from_page = Arrangement.objects.get(applicant=by_page)
    assert from_api.daily_hours == from_page.daily_hours
    assert sorted(from_page.daily_hours) == ["0", "1", "2", "3"]
    days = [(d.date, d.hours, d.end_time) for d in from_page.days.order_by("date")]
    assert days == [(d.date, d.hours, d.end_time) for d in from_api.days.order_by("date")]
    assert {d.date.weekday() for d in from_page.days.all()} <= {0, 1, 2, 3}
    assert {hours for _day, hours, _end in days} == {10}


@pytest.mark.django_db
def test_a_kind_with_fixed_hours_takes_no_hours_per_weekday(client_for):
    person, _lead, _chief = team_member()
    response = client_for(person).post(
        REQUESTS,
        {
            "kind": "staggered",
            "start_date": working_day(2).isoformat(),
            "start_time": "10:00",
            "daily_hours": {"0": "12"},
            "reason": "등원",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["daily_hours"] == {}
    assert response.json()["days"][0]["hours"] == "8.0"


@pytest.mark.django_db
def test_unreadable_hours_of_a_weekday_are_named_on_the_page(client_for):
    person, _lead, _chief = team_member()
    response = client_for(person).post(
        "/worktime/requests/new/",
        compressed_week(daily_hours_0="열", daily_hours_1="10"),
        headers={"accept-language": "en"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-field="daily_hours"' in html and "Monday: Enter a number." in html


@pytest.mark.django_db
def test_the_page_shows_hours_per_weekday_for_the_kinds_that_choose_hours(client_for):
    client = client_for(team_member()[0])
    compressed = client.get("/worktime/requests/new/?kind=compressed").content.decode()
    staggered = client.get("/worktime/requests/new/?kind=staggered").content.decode()
    assert 'id="field-daily_hours" data-kinds="chosen_hours compressed">' in compressed
    assert 'id="field-daily_hours" data-kinds="chosen_hours compressed" hidden>' in staggered
    assert 'name="daily_hours_4"' in compressed


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("start_date", 20261201),
        ("start_date", ["2026-12-01"]),
        ("start_time", {"h": 9}),
        ("weekdays", "0,1"),
        ("daily_hours", ["10"]),
        ("daily_hours", {"monday": "10"}),
        ("center", [1]),
    ],
)
def test_json_a_form_would_never_see_answers_400_on_its_field(client_for, field, value):
    person, _lead, _chief = team_member()
    body = {"kind": "remote_home", "start_date": working_day(2).isoformat(), "reason": "돌봄"}
    response = client_for(person).post(
        REQUESTS, {**body, field: value}, content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert list(response.json()) == [field]
    assert_matches_schema(response, REQUESTS, "POST")


@pytest.mark.django_db
def test_a_body_that_is_not_an_object_answers_400(client_for):
    person, _lead, _chief = team_member()
    response = client_for(person).post(REQUESTS, [1, 2], content_type="application/json")
    assert response.status_code == 400
    assert response.json()["non_field_errors"]
    assert_matches_schema(response, REQUESTS, "POST")


@pytest.mark.django_db
def test_the_api_names_an_unknown_center_as_the_page_does(client_for):
    person, _lead, _chief = team_member()
    client = client_for(person)
    body = {"kind": "smart_work", "start_date": working_day(2).isoformat(), "center": 999999}
    english = {"accept-language": "en"}
    api = client.post(REQUESTS, body, content_type="application/json", headers=english)
    assert api.json()["center"] == ["No such smart-work center."]
    page = client.post("/worktime/requests/new/", body, headers=english)
    assert "No such smart-work center." in page.content.decode()


@pytest.mark.django_db
@pytest.mark.usefixtures("away_kinds")
def test_the_away_api_refuses_an_unknown_kind_on_its_field(client_for):
    person, _lead, _chief = team_member()
    response = client_for(person).post(
        AWAY,
        {"kind": "nap", "start_date": working_day(2).isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["kind"]
    assert_matches_schema(response, AWAY, "POST")
