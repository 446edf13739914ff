"""근무상황: leave, trips and training recorded, approved where needed, and shown truthfully."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from approvals import services as approvals
from tests.conftest import enrol_totp
from tests.factories import UserFactory, WorkplaceFactory
from worktime import closures, feed, selectors
from worktime.away import services
from worktime.away.models import AwayKind, AwayRecord, TripDestination
from worktime.models import ClosurePlacement
from worktime.services import RequestInvalid

from .factories import CenterFactory, SeatFactory, team_member, working_day

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("away_kinds")]

# Thursday 24 December 2026 to Monday the 28th: Christmas (Friday) and a weekend in between.
CHRISTMAS_RANGE = (dt.date(2026, 12, 24), dt.date(2026, 12, 28))


def kind(code: str) -> AwayKind:
    return AwayKind.objects.get(code=code)


def test_annual_leave_goes_up_the_line_and_counts_once_approved():
    person, lead, _chief = team_member()
    day = working_day(3)
    record = services.record_away(person=person, kind=kind("annual"), start_date=day, end_date=day)
    assert record.status == AwayRecord.Status.PENDING
    assert record.approval.doc_type.code == "worktime.away"
    assert record.approval.steps.filter(approver=lead).exists()

    approvals.approve(document=record.approval, actor=lead)
    record.refresh_from_db()
    assert record.status == AwayRecord.Status.APPROVED


def test_returned_leave_no_longer_takes_the_person_away():
    person, lead, _chief = team_member()
    day = working_day(3)
    record = services.record_away(person=person, kind=kind("annual"), start_date=day, end_date=day)
    approvals.return_(document=record.approval, actor=lead, reason="그날은 감사가 있습니다")
    record.refresh_from_db()
    assert record.status == AwayRecord.Status.RETURNED
    cell = selectors.board(lead, day, day)["rows"]
    assert all(row["cells"][0].where != "away" for row in cell)


def test_sick_leave_is_recorded_at_once_without_approval():
    person, _lead, _chief = team_member()
    record = services.record_away(
        person=person, kind=kind("sick"), start_date=working_day(1), end_date=working_day(1)
    )
    assert record.status == AwayRecord.Status.APPROVED
    assert record.approval is None


def test_range_over_a_holiday_and_a_weekend_skips_them(client_for):
    person, _lead, _chief = team_member()
    start, end = CHRISTMAS_RANGE
    record = services.record_away(person=person, kind=kind("sick"), start_date=start, end_date=end)
    page = client_for(person).get(reverse("worktime:away_detail", args=[record.pk]))
    assert page.status_code == 200
    assert page.context["days"] == [dt.date(2026, 12, 24), dt.date(2026, 12, 28)]
    skipped = [day for day, _why in page.context["skipped"]]
    assert skipped == [dt.date(2026, 12, 25), dt.date(2026, 12, 26), dt.date(2026, 12, 27)]
    assert "기독탄신일" in page.content.decode()


def test_range_without_a_working_day_is_refused():
    person, _lead, _chief = team_member()
    with pytest.raises(RequestInvalid) as refused:
        services.record_away(
            person=person,
            kind=kind("sick"),
            start_date=dt.date(2026, 12, 25),
            end_date=dt.date(2026, 12, 27),
        )
    assert "start_date" in refused.value.errors
    assert not AwayRecord.objects.exists()


def test_outing_needs_its_times():
    person, _lead, _chief = team_member()
    with pytest.raises(RequestInvalid) as refused:
        services.record_away(person=person, kind=kind("out"), start_date=working_day(1))
    assert "start_time" in refused.value.errors


def test_overlapping_records_are_refused_with_the_other_named():
    person, _lead, _chief = team_member()
    day = working_day(2)
    services.record_away(
        person=person,
        kind=kind("out"),
        start_date=day,
        start_time=dt.time(14, 0),
        end_time=dt.time(16, 0),
    )
    with pytest.raises(RequestInvalid) as refused:
        services.record_away(
            person=person,
            kind=kind("early"),
            start_date=day,
            start_time=dt.time(15, 0),
            end_time=dt.time(18, 0),
        )
    assert "외출" in refused.value.errors["start_date"][0]
    # A later, separate part of the same day is fine.
    services.record_away(
        person=person,
        kind=kind("early"),
        start_date=day,
        start_time=dt.time(16, 0),
        end_time=dt.time(18, 0),
    )


def test_board_shows_a_colleague_on_leave_and_one_out_for_two_hours(client_for):
    person, lead, _chief = team_member()
    colleague = UserFactory(department=person.department)
    day = working_day(2)
    services.record_away(person=person, kind=kind("sick"), start_date=day)
    services.record_away(
        person=colleague,
        kind=kind("out"),
        start_date=day,
        start_time=dt.time(14, 0),
        end_time=dt.time(16, 0),
    )
    response = client_for(lead).get(reverse("worktime-api:board"), {"date": day.isoformat()})
    assert response.status_code == 200
    by_id = {p["id"]: p for p in response.json()["people"]}
    assert by_id[person.pk]["where"] == "away"
    assert by_id[person.pk]["away"] == "병가"
    assert by_id[person.pk]["away_category"] == "leave"
    assert by_id[colleague.pk]["where"] == "office"
    assert by_id[colleague.pk]["away"] == "외출 14:00–16:00"

    page = client_for(lead).get(reverse("worktime:board"), {"date": day.isoformat()})
    assert "병가" in page.content.decode()


def test_my_month_and_the_calendar_feed_show_the_trip():
    person, _lead, _chief = team_member()
    day = working_day(2)
    services.record_away(person=person, kind=kind("trip"), start_date=day, place="세종청사")
    cells = [
        cell for week in selectors.month_of(person, day.year, day.month, today=day) for cell in week
    ]
    assert [str(r.kind) for r in next(c for c in cells if c.date == day).away] == ["출장"]
    calendar = feed.calendar_for(person, today=day)
    assert "SUMMARY:출장 (대기)" in calendar or "SUMMARY:출장" in calendar
    assert f"DTSTART;VALUE=DATE:{day:%Y%m%d}" in calendar
    assert "LOCATION:세종청사" in calendar


def test_closure_planner_gives_no_seat_to_someone_on_leave_that_day():
    floor = WorkplaceFactory(building="구청 본관", floor=3)
    center = CenterFactory()
    SeatFactory(center=center)
    SeatFactory(center=center)
    present = UserFactory(workplace=floor, home_latitude=36.37, home_longitude=127.35)
    on_leave = UserFactory(workplace=floor, home_latitude=36.37, home_longitude=127.35)
    admin = UserFactory(role="admin")
    day = working_day(1)
    services.record_away(person=on_leave, kind=kind("sick"), start_date=day)
    closure = closures.create_closure(
        building="구청 본관",
        floor=3,
        start_date=day,
        end_date=day,
        reason="확진자 발생",
        actor=admin,
    )
    closures.propose_placements(closure=closure)
    placed = set(ClosurePlacement.objects.filter(closure=closure).values_list("person", flat=True))
    assert placed == {present.pk}


def test_trip_offers_the_centers_nearest_its_destination_for_the_afternoon(client_for):
    person, _lead, _chief = team_member()
    near = CenterFactory(name="노은도서관 스마트워크센터", latitude=36.370, longitude=127.310)
    far = CenterFactory(name="구즉동 스마트워크센터", latitude=36.440, longitude=127.400)
    SeatFactory(center=near)
    SeatFactory(center=far)
    site = TripDestination.objects.create(
        name="노은2동 행정복지센터", latitude=36.371, longitude=127.311
    )
    day = working_day(2)
    record = services.record_away(
        person=person,
        kind=kind("trip"),
        start_date=day,
        destination=site,
    )
    page = client_for(person).get(reverse("worktime:away_detail", args=[record.pk]))
    offers = page.context["offers"]
    assert [o["center"] for o in offers[:2]] == [near, far]
    assert offers[0]["free"] == 1
    assert f"?date={day.isoformat()}&amp;slot=pm" in page.content.decode()


def test_record_page_and_api(client_for):
    person, _lead, _chief = team_member()
    client = client_for(person)
    day = working_day(2)
    page = client.post(
        reverse("worktime:away_new"),
        {"kind": kind("sick").pk, "start_date": day.isoformat()},
    )
    assert page.status_code == 302
    refused = client.post(
        reverse("worktime:away_new"),
        {"kind": kind("sick").pk, "start_date": "2026-12-26", "end_date": "2026-12-27"},
    )
    assert refused.status_code == 400
    assert "근무일" in refused.content.decode()

    kinds = client.get(reverse("worktime-api:away_kinds")).json()
    assert {k["code"] for k in kinds} >= {"annual", "sick", "trip", "training", "out", "early"}
    created = client.post(
        reverse("worktime-api:away_records"),
        {"kind": "training", "start_date": working_day(5).isoformat()},
        content_type="application/json",
    )
    assert created.status_code == 201
    assert created.json()["status"] == "pending"
    assert created.json()["approval"] is not None
    overlapping = client.post(
        reverse("worktime-api:away_records"),
        {"kind": "sick", "start_date": day.isoformat()},
        content_type="application/json",
    )
    assert overlapping.status_code == 400
    assert "start_date" in overlapping.json()


PERSONNEL_CSV = """사번,성명,근무상황,시작일,종료일,시작시각,종료시각,행선지,사유
{a},김하나,연가,2026-12-24,2026-12-28,,,,가족 여행
{b},이두리,출장,2026.12.22,2026.12.22,,,세종청사,회의
{b},이두리,외출,20261223,,14:00,16:00,,병원
99999,없는사람,연가,2026-12-22,,,,,
{a},김하나,휴양,2026-12-21,,,,,
{a},김하나,병가,2026-13-01,,,,,
"""


def test_personnel_import_reads_cp949_previews_row_by_row_and_records_once(client_for):
    a = UserFactory(employee_number="20230001", full_name="김하나")
    b = UserFactory(employee_number="20230002", full_name="이두리")
    payload = PERSONNEL_CSV.format(a=a.employee_number, b=b.employee_number).encode("cp949")

    preview = services.import_personnel_csv(payload=payload, commit=False)
    assert preview.recorded == 3
    assert not AwayRecord.objects.exists()
    reasons = {row.line: " ".join(row.reasons) for row in preview.refused}
    assert "99999" in reasons[5]
    assert "휴양" in reasons[6]
    assert "2026-13-01" in reasons[7]

    report = services.import_personnel_csv(payload=payload, commit=True)
    assert report.recorded == 3
    assert AwayRecord.objects.filter(status="approved", origin="personnel").count() == 3
    outing = AwayRecord.objects.get(kind__code="out")
    assert (outing.start_time, outing.end_time) == (dt.time(14), dt.time(16))

    again = services.import_personnel_csv(payload=payload, commit=True)
    assert (again.recorded, again.already) == (0, 3)
    assert AwayRecord.objects.count() == 3

    # The page: personnel only, preview first, then one click records.
    staff = UserFactory(role="staff")
    assert client_for(staff).get(reverse("worktime:away_import")).status_code == 403


def test_personnel_import_page_previews_then_records(client_for):
    a = UserFactory(employee_number="20240001")
    officer = UserFactory(role="personnel")
    enrol_totp(officer)
    client = client_for(officer)
    csv_text = f"사번,근무상황,시작일\n{a.employee_number},병가,2026-12-22\n".encode("utf-8-sig")
    preview = client.post(
        reverse("worktime:away_import"),
        {"file": SimpleUploadedFile("근무상황.csv", csv_text, content_type="text/csv")},
    )
    assert preview.status_code == 200
    assert not AwayRecord.objects.exists()
    token = preview.context["token"]
    recorded = client.post(reverse("worktime:away_import"), {"token": token})
    assert recorded.status_code == 200
    assert AwayRecord.objects.filter(person=a, kind__code="sick").exists()


def test_personnel_file_without_the_needed_columns_is_refused_with_a_sentence(client_for):
    officer = UserFactory(role="personnel")
    enrol_totp(officer)
    response = client_for(officer).post(
        reverse("worktime:away_import"),
        {
            "file": SimpleUploadedFile(
                "x.csv", "이름,날짜\n홍길동,2026-12-22\n".encode(), "text/csv"
            )
        },
    )
    assert response.status_code == 400
    assert "사번" in response.content.decode()
