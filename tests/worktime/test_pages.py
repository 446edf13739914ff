"""Pages: my month, applying, a request, the board, the feed, exports, statistics, closures."""

import datetime as dt

import pytest
from django.urls import reverse

from accounts import roles
from approvals import services as approvals
from tests.factories import UserFactory, WorkplaceFactory
from worktime import feed, services

from .factories import SeatFactory, team_member, working_day

pytestmark = pytest.mark.django_db


def test_home_tiles_resolve():
    for name in ("worktime:month", "worktime:request_new", "worktime:board"):
        assert reverse(name)


def test_apply_in_the_form_and_see_it_in_the_month(client_for):
    person, lead, _chief = team_member()
    client = client_for(person)
    day = working_day(2)
    page = client.get(reverse("worktime:request_new"))
    assert page.status_code == 200
    assert lead.get_full_name() in page.content.decode()  # the approval line preview
    response = client.post(
        reverse("worktime:request_new"),
        {
            "kind": "staggered",
            "start_date": day.isoformat(),
            "start_time": "10:00",
            "reason": "등원",
        },
    )
    assert response.status_code == 302
    month = client.get(reverse("worktime:month") + f"?month={day:%Y-%m}").content.decode()
    assert "19:00" in month and "status pending" in month


def test_form_errors_sit_beside_their_fields(client_for):
    person, _lead, _chief = team_member()
    response = client_for(person).post(
        reverse("worktime:request_new"),
        {
            "kind": "staggered",
            "start_date": working_day(2).isoformat(),
            "start_time": "10:30",
            "reason": "",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-field="start_time"' in html and 'data-field="reason"' in html


def test_detail_withdraw_then_no_more_buttons(client_for):
    person, _lead, _chief = team_member()
    arrangement = services.request_arrangement(
        applicant=person, kind="remote_home", start_date=working_day(2), reason="돌봄"
    )
    client = client_for(person)
    url = reverse("worktime:request_detail", args=[arrangement.pk])
    assert (
        reverse("worktime:request_withdraw", args=[arrangement.pk])
        in client.get(url).content.decode()
    )
    client.post(reverse("worktime:request_withdraw", args=[arrangement.pk]))
    arrangement.refresh_from_db()
    assert arrangement.status == "withdrawn"
    assert (
        reverse("worktime:request_withdraw", args=[arrangement.pk])
        not in client.get(url).content.decode()
    )


def test_others_cannot_open_my_request(client_for):
    person, _lead, _chief = team_member()
    arrangement = services.request_arrangement(
        applicant=person, kind="remote_home", start_date=working_day(2), reason="돌봄"
    )
    other = UserFactory()
    assert (
        client_for(other).get(reverse("worktime:request_detail", args=[arrangement.pk])).status_code
        == 404
    )


def test_board_shows_home_center_and_hours_for_the_team_lead(client_for):
    person, lead, _chief = team_member()
    mate, _l, _c = team_member()
    mate.department = person.department
    mate.save()
    day = working_day(2)
    seat = SeatFactory(label="C-07")
    services.request_arrangement(
        applicant=person, kind="staggered", start_date=day, start_time=dt.time(10), reason="등원"
    )
    arrangement = services.request_arrangement(
        applicant=mate,
        kind="smart_work",
        start_date=day,
        center=seat.center,
        seat=seat,
        reason="현장",
    )
    document = arrangement.approval
    approvals.approve(document=document, actor=document.steps.get(status="pending").approver)
    html = (
        client_for(lead)
        .get(reverse("worktime:board") + f"?date={day.isoformat()}")
        .content.decode()
    )
    assert person.get_full_name() in html and "10:00–19:00" in html
    assert mate.get_full_name() in html and "C-07" in html
    week = client_for(lead).get(reverse("worktime:board") + f"?view=week&date={day.isoformat()}")
    assert week.status_code == 200 and "C-07" in week.content.decode()


def test_ical_feed_with_a_resettable_secret_address(client_for, client):
    person, _lead, _chief = team_member()
    arrangement = services.request_arrangement(
        applicant=person,
        kind="staggered",
        start_date=working_day(2),
        start_time=dt.time(10),
        reason="등원",
    )
    address = feed.calendar_feed_for(person)
    url = reverse("worktime:ical", args=[address.token])
    client.logout()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert "BEGIN:VCALENDAR" in body and f"UID:arrangement-{arrangement.pk}-" in body
    assert f"DTSTART;TZID=Asia/Seoul:{arrangement.start_date:%Y%m%d}T100000" in body
    assert "\r\n" in body
    client_for(person).post(reverse("worktime:ical_settings"))
    assert client.get(url).status_code == 404


def test_exports_are_for_the_personnel_office(client_for, admin_user):
    person, _lead, _chief = team_member()
    services.request_arrangement(
        applicant=person, kind="remote_home", start_date=working_day(2), reason="돌봄"
    )
    day = working_day(2)
    query = f"?start={day:%Y-%m-01}&end={day + dt.timedelta(days=1):%Y-%m-%d}"
    assert (
        client_for(person).get(reverse("worktime:export") + query + "&format=csv").status_code
        == 403
    )
    client = client_for(admin_user)
    csv_response = client.get(reverse("worktime:export") + query + "&format=csv")
    assert csv_response.status_code == 200
    assert person.full_name in csv_response.content.decode("utf-8-sig")
    xlsx = client.get(reverse("worktime:export") + query + "&format=xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_statistics_draw_svg_charts_for_admins(client_for, admin_user):
    response = client_for(admin_user).get(reverse("worktime:stats"))
    assert response.status_code == 200
    assert "<svg" in response.content.decode()
    assert (
        client_for(UserFactory(role=roles.STAFF)).get(reverse("worktime:stats")).status_code == 403
    )


def test_closure_pages_for_the_health_team(client_for, health_user):
    WorkplaceFactory(building="구청 본관", floor=3)
    client = client_for(health_user)
    day = working_day(1)
    response = client.post(
        reverse("worktime:closures"),
        {
            "building": "구청 본관",
            "floor": 3,
            "start_date": day,
            "end_date": day,
            "reason": "확진자",
        },
    )
    assert response.status_code == 302
    detail = client.get(response["Location"])
    assert detail.status_code == 200
    assert client_for(UserFactory()).get(reverse("worktime:closures")).status_code == 403
