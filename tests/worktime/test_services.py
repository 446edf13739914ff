"""Requesting, approving, returning, withdrawing and cancelling arrangements, seats included."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Department
from approvals import services as approvals
from approvals.models import Document
from core import clock
from smartcenters import services as smartcenters
from smartcenters.models import Booking
from worktime import selectors, services
from worktime.models import Arrangement, ArrangementDay, WorkPolicy

from .factories import SeatFactory, next_working_day, team_member, working_day

pytestmark = pytest.mark.django_db


def staggered(person, day=None, **kwargs):
    day = day or working_day(2)
    values = {
        "applicant": person,
        "kind": "staggered",
        "start_date": day,
        "end_date": day,
        "start_time": dt.time(10, 0),
        "reason": "아이 등원",
    }
    values.update(kwargs)
    return services.request_arrangement(**values)


def smart_work(person, seat, days=1, **kwargs):
    start = working_day(2)
    end = start
    for _ in range(days - 1):
        end = next_working_day(end)
    return services.request_arrangement(
        applicant=person,
        kind="smart_work",
        start_date=start,
        end_date=end,
        center=seat.center,
        seat=seat,
        reason="현장 방문 후 보고서 작성",
        **kwargs,
    )


def approve_all(document):
    document.refresh_from_db()
    while document.status == "pending":
        step = document.steps.filter(status="pending").first()
        approvals.approve(document=document, actor=step.approver)
        document.refresh_from_db()


def test_staggered_request_is_pending_with_its_document_and_day():
    person, lead, _chief = team_member()
    arrangement = staggered(person)
    assert arrangement.status == "pending"
    assert arrangement.approval.status == "pending"
    assert arrangement.approval.doc_type.code == "worktime.flexible"
    assert arrangement.approval.steps.filter(status="pending").get().approver == lead
    day = arrangement.days.get()
    assert (day.start_time, day.end_time, day.hours) == (dt.time(10), dt.time(19), Decimal(8))


def test_approval_makes_the_arrangement_approved():
    person, _lead, _chief = team_member()
    arrangement = staggered(person)
    approve_all(arrangement.approval)
    arrangement.refresh_from_db()
    assert arrangement.status == "approved"


def test_return_frees_the_day_for_a_new_request():
    person, lead, _chief = team_member()
    arrangement = staggered(person)
    approvals.return_(document=arrangement.approval, actor=lead, reason="일정 확인 필요")
    arrangement.refresh_from_db()
    assert arrangement.status == "returned"
    assert not arrangement.days.filter(is_active=True).exists()
    again = staggered(person, start_time=dt.time(9, 30))
    assert again.status == "pending"


def test_overlap_with_a_pending_request_is_refused():
    person, _lead, _chief = team_member()
    arrangement = staggered(person)
    with pytest.raises(services.RequestInvalid) as caught:
        services.request_arrangement(
            applicant=person,
            kind="remote_home",
            start_date=arrangement.start_date,
            reason="돌봄",
        )
    assert "start_date" in caught.value.errors
    assert Arrangement.objects.filter(applicant=person).count() == 1


def test_database_refuses_two_active_days_for_one_person():
    person, _lead, _chief = team_member()
    arrangement = staggered(person)
    day = arrangement.days.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        ArrangementDay.objects.create(arrangement=arrangement, user=person, date=day.date, hours=8)


def test_weekly_pattern_creates_one_row_per_matching_working_day():
    person, _lead, _chief = team_member()
    monday = working_day(2, weekday=0)
    arrangement = services.request_arrangement(
        applicant=person,
        kind="remote_home",
        start_date=monday,
        end_date=monday + dt.timedelta(days=13),
        weekdays=[0, 4],
        reason="돌봄",
    )
    dates = list(arrangement.days.values_list("date", flat=True))
    assert dates
    assert all(d.weekday() in (0, 4) for d in dates)
    assert arrangement.approval.span_days == len(dates)


def test_smart_work_holds_the_seat_while_pending_and_confirms_on_approval():
    person, _lead, _chief = team_member()
    seat = SeatFactory()
    arrangement = smart_work(person, seat, days=2)
    bookings = Booking.objects.filter(user=person)
    assert [b.status for b in bookings] == ["held", "held"]
    assert all(b.origin == "arrangement" for b in bookings)
    approve_all(arrangement.approval)
    assert [b.status for b in Booking.objects.filter(user=person)] == ["confirmed", "confirmed"]


@pytest.mark.parametrize("outcome", ["returned", "withdrawn"])
def test_smart_work_seat_is_released_on_return_and_withdrawal(outcome):
    person, lead, _chief = team_member()
    seat = SeatFactory()
    arrangement = smart_work(person, seat)
    if outcome == "returned":
        approvals.return_(document=arrangement.approval, actor=lead, reason="다른 날로")
    else:
        services.withdraw_arrangement(arrangement=arrangement, actor=person)
    arrangement.refresh_from_db()
    assert arrangement.status == outcome
    assert Booking.objects.get(user=person).status == "released"
    other, _l, _c = team_member()
    assert smart_work(other, seat).status == "pending"  # the seat is free again


def test_cancel_without_approval_releases_the_seat_at_once():
    person, _lead, _chief = team_member()
    seat = SeatFactory()
    arrangement = smart_work(person, seat)
    approve_all(arrangement.approval)
    services.cancel_arrangement(arrangement=arrangement, actor=person, reason="일정 변경")
    arrangement.refresh_from_db()
    assert arrangement.status == "cancelled"
    assert Booking.objects.get(user=person).status == "cancelled"
    assert not arrangement.days.filter(is_active=True).exists()


def test_cancel_through_approval_keeps_the_seat_until_approved():
    WorkPolicy.objects.filter(kind="smart_work").update(cancel_needs_approval=True)
    person, lead, _chief = team_member()
    seat = SeatFactory()
    arrangement = smart_work(person, seat)
    approve_all(arrangement.approval)
    arrangement = services.cancel_arrangement(
        arrangement=arrangement, actor=person, reason="출장 취소"
    )
    assert arrangement.status == "approved"
    assert arrangement.cancel_status == "pending"
    assert arrangement.cancel_approval.doc_type.code == "worktime.cancel"
    assert Booking.objects.get(user=person).status == "confirmed"
    approve_all(arrangement.cancel_approval)
    arrangement.refresh_from_db()
    assert arrangement.status == "cancelled"
    assert Booking.objects.get(user=person).status == "cancelled"


def test_cancel_returned_keeps_the_arrangement():
    WorkPolicy.objects.filter(kind="staggered").update(cancel_needs_approval=True)
    person, lead, _chief = team_member()
    arrangement = staggered(person)
    approve_all(arrangement.approval)
    arrangement = services.cancel_arrangement(arrangement=arrangement, actor=person, reason="x")
    approvals.return_(document=arrangement.cancel_approval, actor=lead, reason="필요함")
    arrangement.refresh_from_db()
    assert (arrangement.status, arrangement.cancel_status) == ("approved", "returned")
    assert arrangement.days.filter(is_active=True).count() == 1


def test_started_arrangement_cannot_be_cancelled():
    person, _lead, _chief = team_member()
    arrangement = staggered(person)
    approve_all(arrangement.approval)
    today = clock.today()
    Arrangement.objects.filter(pk=arrangement.pk).update(start_date=today)
    arrangement.refresh_from_db()
    with pytest.raises(services.RequestInvalid):
        services.cancel_arrangement(arrangement=arrangement, actor=person, today=today)


def test_seat_taken_leaves_nothing_behind():
    person, _lead, _chief = team_member()
    rival, _l, _c = team_member()
    seat = SeatFactory()
    second_day = next_working_day(working_day(2))
    # The rival holds the seat on the second day only: the first day's hold must roll back.
    smartcenters.book_seat(user=rival, seat=seat, date=second_day, slot="full")
    with pytest.raises(services.RequestInvalid) as caught:
        smart_work(person, seat, days=2)
    assert "seat" in caught.value.errors
    assert not Arrangement.objects.filter(applicant=person).exists()
    assert not ArrangementDay.objects.filter(user=person).exists()
    assert not Booking.objects.filter(user=person).exists()
    assert not Document.objects.filter(applicant=person).exists()


def test_failure_at_submission_leaves_no_seat_held():
    person, _lead, _chief = team_member()
    # Nobody above the person: the approval line cannot be built, so the whole request fails.
    Department.objects.update(head=None)
    seat = SeatFactory()
    with pytest.raises(services.RequestInvalid):
        smart_work(person, seat)
    assert not Booking.objects.filter(user=person).exists()
    assert not Arrangement.objects.filter(applicant=person).exists()


def test_monthly_limit_counts_existing_days():
    WorkPolicy.objects.filter(kind="remote_home").update(monthly_day_limit=1)
    person, _lead, _chief = team_member()
    # Asked on Monday 2 November 2026 for that Wednesday and Thursday: one month, no holiday.
    asked = timezone.make_aware(dt.datetime(2026, 11, 2, 10))
    first, second = dt.date(2026, 11, 4), dt.date(2026, 11, 5)
    services.request_arrangement(
        applicant=person, kind="remote_home", start_date=first, reason="x", now=asked
    )
    with pytest.raises(services.RequestInvalid) as caught:
        services.request_arrangement(
            applicant=person, kind="remote_home", start_date=second, reason="x", now=asked
        )
    assert "end_date" in caught.value.errors


def test_disabled_policy_refuses_requests():
    WorkPolicy.objects.filter(kind="discretionary").update(is_enabled=False)
    person, _lead, _chief = team_member()
    with pytest.raises(services.RequestInvalid) as caught:
        services.request_arrangement(
            applicant=person, kind="discretionary", start_date=working_day(10), reason="x"
        )
    assert "kind" in caught.value.errors


def test_resubmitting_a_returned_smart_work_request_holds_the_seat_again():
    person, lead, _chief = team_member()
    seat = SeatFactory()
    arrangement = smart_work(person, seat)
    approvals.return_(document=arrangement.approval, actor=lead, reason="사유 보완")
    approvals.resubmit(document=arrangement.approval, actor=person, body="보완했습니다")
    arrangement.refresh_from_db()
    assert arrangement.status == "pending"
    assert arrangement.days.filter(is_active=True).count() == 1
    assert Booking.objects.filter(user=person, status="held").count() == 1
    approve_all(arrangement.approval)
    arrangement.refresh_from_db()
    assert arrangement.status == "approved"
    assert Booking.objects.filter(user=person, status="confirmed").count() == 1


def test_the_board_shows_a_smart_work_seat_released_for_no_check_in():
    person, lead, _chief = team_member()
    seat = SeatFactory(label="B7")
    arrangement = smart_work(person, seat)
    approve_all(arrangement.approval)
    day = arrangement.start_date

    def cell():
        board = selectors.board(lead, day, day)
        row = next(r for r in board["rows"] if r["person"].pk == person.pk)
        return row["cells"][0]

    assert (cell().seat, cell().seat_released) == ("B7", False)
    booking = Booking.objects.get(user=person)
    smartcenters.release_booking(booking=booking, reason="no check-in", no_show=True)
    assert cell().where == "center"
    assert (cell().seat, cell().seat_released) == ("", True)
