"""Periods skip the days that are not worked: weekends, public, substitute and office holidays.

Rules are checked on fixed dates (December 2026: Christmas is a Friday, New Year's Day the next
Friday); the requests through the API and the pages use an office holiday next week.
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from approvals.models import Document
from core import clock
from tests.security.openapi import assert_matches_schema
from worktime.models import Arrangement, OfficeHoliday
from worktime.policies import default_policy
from worktime.rules import Kind, Request, RuleViolation, WorkCalendar, check_request

from .factories import team_member

TODAY = dt.date(2026, 12, 1)
CAL = WorkCalendar()


def plan_of(start, end, *, weekdays=None, calendar=CAL, kind=Kind.REMOTE_HOME):
    return check_request(
        Request(kind=kind, start_date=start, end_date=end, weekdays=weekdays, reason="돌봄"),
        default_policy(kind),
        today=TODAY,
        calendar=calendar,
    )


def test_a_period_ending_on_christmas_covers_the_days_before_and_names_the_holiday():
    with translation.override("ko"):
        plan = plan_of(dt.date(2026, 12, 21), dt.date(2026, 12, 25))
    assert [d.date.day for d in plan.days] == [21, 22, 23, 24]
    assert plan.skipped == [(dt.date(2026, 12, 25), "12월 25일 (기독탄신일)")]


def test_a_period_starting_on_a_saturday_skips_the_weekend_and_lists_it():
    with translation.override("ko"):
        plan = plan_of(dt.date(2026, 12, 19), dt.date(2026, 12, 23))
    assert [d.date.day for d in plan.days] == [21, 22, 23]
    assert [label for _day, label in plan.skipped] == ["12월 19일 (토요일)", "12월 20일 (일요일)"]


def test_a_period_starting_on_a_substitute_holiday_skips_it():
    plan = check_request(
        Request(
            kind=Kind.REMOTE_HOME,
            start_date=dt.date(2026, 10, 5),
            end_date=dt.date(2026, 10, 7),
            reason="돌봄",
        ),
        default_policy(Kind.REMOTE_HOME),
        today=dt.date(2026, 9, 21),
        calendar=CAL,
    )
    assert [d.date.day for d in plan.days] == [6, 7]
    assert [day for day, _label in plan.skipped] == [dt.date(2026, 10, 5)]


def test_an_office_holiday_at_the_end_of_a_period_is_skipped():
    calendar = WorkCalendar(office_holidays={dt.date(2026, 12, 11): "개청 기념일"})
    with translation.override("ko"):
        plan = plan_of(dt.date(2026, 12, 7), dt.date(2026, 12, 11), calendar=calendar)
    assert len(plan.days) == 4
    assert plan.skipped == [(dt.date(2026, 12, 11), "12월 11일 (개청 기념일)")]


def test_a_period_with_no_working_day_is_refused_in_a_sentence_naming_the_days():
    with translation.override("en"), pytest.raises(RuleViolation) as caught:
        plan_of(dt.date(2026, 12, 25), dt.date(2026, 12, 27))
    message = caught.value.errors["start_date"][0]
    assert message.startswith("There is no working day from 2026-12-25 to 2026-12-27")
    assert "Christmas" in message and "Saturday" in message


def test_a_single_day_on_a_holiday_is_still_refused():
    with translation.override("en"), pytest.raises(RuleViolation) as caught:
        plan_of(dt.date(2026, 12, 25), dt.date(2026, 12, 25))
    assert "2026-12-25 is a public holiday (Christmas Day)." in caught.value.errors["start_date"]


def test_a_weekly_pattern_skips_the_holidays_on_its_weekdays():
    with translation.override("ko"):
        plan = plan_of(dt.date(2026, 12, 18), dt.date(2027, 1, 8), weekdays=(4,))
    assert [d.date for d in plan.days] == [dt.date(2026, 12, 18), dt.date(2027, 1, 8)]
    assert [label for _day, label in plan.skipped] == [
        "12월 25일 (기독탄신일)",
        "1월 1일 (신정연휴)",
    ]


def test_a_weekly_pattern_with_only_holidays_is_refused():
    with translation.override("en"), pytest.raises(RuleViolation) as caught:
        plan_of(dt.date(2026, 12, 25), dt.date(2027, 1, 1), weekdays=(4,))
    assert "No working day" in caught.value.errors["start_date"][0]


# --- through the API and the pages, with an office holiday next week ---


def remote_home(start: dt.date, end: dt.date, **extra) -> dict:
    """A request to work from home from start to end, as a form or the API sends it."""
    return {
        "kind": "remote_home",
        "start_date": start.isoformat(),
        "end_date": end.isoformat(),
        "reason": "돌봄",
        **extra,
    }


def next_week() -> tuple[dt.date, dt.date]:
    """Monday and Friday of the next week without a public holiday (within the policy's reach)."""
    today = clock.today()
    monday = today + dt.timedelta(days=7 - today.weekday())
    while not all(CAL.is_working_day(monday + dt.timedelta(days=n)) for n in range(5)):
        monday += dt.timedelta(days=7)
    return monday, monday + dt.timedelta(days=4)


@pytest.mark.django_db
def test_api_request_ending_on_an_office_holiday_skips_it_and_says_so(client_for):
    person, _lead, _chief = team_member()
    monday, friday = next_week()
    OfficeHoliday.objects.create(date=friday, name="개청 기념일")
    response = client_for(person).post(
        "/api/v1/worktime/requests/",
        remote_home(monday, friday),
        content_type="application/json",
        headers={"accept-language": "ko"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert [d["date"] for d in body["days"]] == [
        (monday + dt.timedelta(days=n)).isoformat() for n in range(4)
    ]
    label = f"{friday.month}월 {friday.day}일 (개청 기념일)"
    assert body["skipped_days"] == [{"date": friday.isoformat(), "label": label}]
    facts = dict(Document.objects.get(pk=body["approval"]).facts)
    assert any(label in value for value in facts.values())


@pytest.mark.django_db
def test_request_page_lists_the_skipped_days_with_their_reason(client_for):
    person, _lead, _chief = team_member()
    monday, friday = next_week()
    OfficeHoliday.objects.create(date=monday, name="개청 기념일")
    client = client_for(person)
    response = client.post(
        reverse("worktime:request_new"),
        remote_home(monday, friday),
        headers={"accept-language": "ko"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(response["Location"], headers={"accept-language": "ko"}).content.decode()
    assert 'id="skipped-days"' in page
    assert f"{monday.month}월 {monday.day}일 (개청 기념일)" in page


@pytest.mark.django_db
def test_page_refuses_a_period_with_no_working_day_with_a_sentence(client_for):
    person, _lead, _chief = team_member()
    monday, friday = next_week()
    saturday, sunday = friday + dt.timedelta(days=1), friday + dt.timedelta(days=2)
    response = client_for(person).post(
        reverse("worktime:request_new"),
        remote_home(saturday, sunday),
        headers={"accept-language": "en"},
    )
    assert response.status_code == 400
    assert "There is no working day from" in response.content.decode()


@pytest.mark.django_db
def test_api_preview_lists_the_days_and_the_skipped_days_and_sends_nothing(client_for):
    person, _lead, _chief = team_member()
    monday, friday = next_week()
    OfficeHoliday.objects.create(date=friday, name="개청 기념일")
    saturday = friday + dt.timedelta(days=1)
    url = "/api/v1/worktime/requests/preview/"
    response = client_for(person).post(
        url,
        remote_home(monday, saturday),
        content_type="application/json",
        headers={"accept-language": "ko"},
    )
    assert response.status_code == 200, response.content
    assert_matches_schema(response, url, "POST")
    body = response.json()
    assert len(body["days"]) == 4
    assert [d["label"] for d in body["skipped_days"]] == [
        f"{friday.month}월 {friday.day}일 (개청 기념일)",
        f"{saturday.month}월 {saturday.day}일 (토요일)",
    ]
    assert not Arrangement.objects.filter(applicant=person).exists()


@pytest.mark.django_db
def test_the_form_previews_the_skipped_days_before_sending(client_for):
    person, _lead, _chief = team_member()
    monday, friday = next_week()
    OfficeHoliday.objects.create(date=monday, name="개청 기념일")
    response = client_for(person).post(
        reverse("worktime:request_new"),
        remote_home(monday, friday, preview="1"),
        headers={"accept-language": "ko"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="preview"' in page
    assert f"{monday.month}월 {monday.day}일 (개청 기념일)" in page
    assert not Arrangement.objects.filter(applicant=person).exists()
