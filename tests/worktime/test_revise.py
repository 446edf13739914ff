"""A returned request (반려) is corrected and sent again: service, page and API."""

import datetime as dt

import pytest

from approvals import services as approvals
from approvals.models import Action
from smartcenters.models import Booking
from worktime import services
from worktime.models import Arrangement, ArrangementDay

from .factories import SeatFactory, returned_staggered, team_member, working_day

pytestmark = pytest.mark.django_db


def test_a_revised_request_goes_back_to_the_line_as_a_new_round():
    person, lead, _chief = team_member()
    arrangement = returned_staggered(person, lead)
    assert arrangement.status == "returned"
    later = working_day(5)
    revised = services.revise_arrangement(
        arrangement=arrangement,
        actor=person,
        kind="staggered",
        start_date=later,
        end_date=later,
        start_time=dt.time(8, 0),
        reason="아이 등원 (8시로 고침)",
    )
    assert revised.status == "pending"
    assert (revised.start_date, revised.start_time) == (later, dt.time(8, 0))
    days = list(ArrangementDay.objects.filter(arrangement=revised))
    assert [(d.date, d.start_time, d.is_active) for d in days] == [(later, dt.time(8, 0), True)]
    document = revised.approval
    document.refresh_from_db()
    assert (document.status, document.round) == ("pending", 2)
    assert "08:00" in str(document.facts)
    kinds = list(document.actions.values_list("kind", flat=True))
    assert kinds == ["submitted", "returned", "resubmitted"]
    # The line decides the new round as it would a new request.
    step = document.steps.get(round=2, status="pending")
    approvals.approve(document=document, actor=step.approver)
    revised.refresh_from_db()
    assert revised.status in ("pending", "approved")


def test_a_revision_that_breaks_a_rule_leaves_the_returned_request_as_it_was():
    person, lead, _chief = team_member()
    arrangement = returned_staggered(person, lead)
    before = list(ArrangementDay.objects.filter(arrangement=arrangement).values_list("date"))
    with pytest.raises(services.RequestInvalid) as refused:
        services.revise_arrangement(
            arrangement=arrangement,
            actor=person,
            kind="staggered",
            start_date=arrangement.start_date,
            start_time=dt.time(11, 0),  # outside the start window
            reason="아이 등원",
        )
    assert "start_time" in refused.value.errors
    arrangement.refresh_from_db()
    assert arrangement.status == "returned"
    assert (
        list(ArrangementDay.objects.filter(arrangement=arrangement).values_list("date")) == before
    )
    assert arrangement.approval.round == 1


def test_only_the_applicant_revises_only_a_returned_request_of_the_same_kind():
    person, lead, _chief = team_member()
    arrangement = returned_staggered(person, lead)
    fields = {
        "kind": "staggered",
        "start_date": arrangement.start_date,
        "start_time": dt.time(8, 0),
        "reason": "고침",
    }
    with pytest.raises(services.RequestInvalid):
        services.revise_arrangement(arrangement=arrangement, actor=lead, **fields)
    with pytest.raises(services.RequestInvalid) as other_kind:
        services.revise_arrangement(
            arrangement=arrangement, actor=person, **{**fields, "kind": "remote_home"}
        )
    assert "kind" in other_kind.value.errors
    services.revise_arrangement(arrangement=arrangement, actor=person, **fields)
    with pytest.raises(services.RequestInvalid):  # pending now: nothing to revise
        services.revise_arrangement(arrangement=arrangement, actor=person, **fields)


def test_a_revised_smart_work_request_holds_the_new_seat_again():
    person, lead, _chief = team_member()
    first, second = SeatFactory(), SeatFactory()
    day = working_day(3)
    arrangement = services.request_arrangement(
        applicant=person,
        kind="smart_work",
        start_date=day,
        center=first.center,
        seat=first,
        reason="현장 방문",
    )
    approvals.return_(document=arrangement.approval, actor=lead, reason="다른 센터로")
    assert not Booking.objects.filter(user=person, status__in=Booking.ACTIVE_STATUSES).exists()
    services.revise_arrangement(
        arrangement=arrangement,
        actor=person,
        kind="smart_work",
        start_date=day,
        center=second.center,
        seat=second,
        reason="현장 방문",
    )
    held = Booking.objects.get(user=person, status="held")
    assert held.seat == second
    assert ArrangementDay.objects.get(arrangement=arrangement).booking == held


def test_the_page_shows_the_reason_and_sends_the_correction(client_for):
    person, lead, _chief = team_member()
    arrangement = returned_staggered(person, lead)
    client = client_for(person)
    detail = client.get(f"/worktime/requests/{arrangement.pk}/").content.decode()
    assert "10시는 안 됩니다. 8시로 해 주세요." in detail
    assert f"/worktime/requests/{arrangement.pk}/revise/" in detail
    form = client.get(f"/worktime/requests/{arrangement.pk}/revise/").content.decode()
    assert 'value="10:00" selected' in form
    response = client.post(
        f"/worktime/requests/{arrangement.pk}/revise/",
        {
            "kind": "remote_home",  # ignored: the kind field is fixed
            "start_date": arrangement.start_date.isoformat(),
            "start_time": "08:00",
            "reason": "8시로 고침",
        },
    )
    assert response.status_code == 302
    arrangement.refresh_from_db()
    assert (arrangement.kind, arrangement.status) == ("staggered", "pending")
    assert arrangement.start_time == dt.time(8, 0)


def test_the_page_says_what_to_fix_and_keeps_the_request_returned(client_for):
    person, lead, _chief = team_member()
    arrangement = returned_staggered(person, lead)
    response = client_for(person).post(
        f"/worktime/requests/{arrangement.pk}/revise/",
        {"start_date": arrangement.start_date.isoformat(), "start_time": "11:00", "reason": "x"},
    )
    assert response.status_code == 400
    assert Arrangement.objects.get(pk=arrangement.pk).status == "returned"


def test_the_api_revises_a_returned_request_and_refuses_a_pending_one(client_for):
    person, lead, _chief = team_member()
    arrangement = returned_staggered(person, lead)
    client = client_for(person)
    url = f"/api/v1/worktime/requests/{arrangement.pk}/revise/"
    body = {
        "kind": "staggered",
        "start_date": arrangement.start_date.isoformat(),
        "start_time": "08:00",
        "reason": "8시로 고침",
    }
    bad = client.post(url, {**body, "start_time": "11:00"}, content_type="application/json")
    assert bad.status_code == 400 and "start_time" in bad.json()
    done = client.post(url, body, content_type="application/json")
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["start_time"]) == ("pending", "08:00")
    again = client.post(url, body, content_type="application/json")
    assert again.status_code == 409
    other, _l, _c = team_member()
    assert client_for(other).post(url, body, content_type="application/json").status_code == 404
    assert Action.objects.filter(document=arrangement.approval, kind="resubmitted").count() == 1


def test_the_approval_document_sends_the_applicant_to_the_request_form(client_for):
    person, lead, _chief = team_member()
    arrangement = returned_staggered(person, lead)
    page = client_for(person).get(f"/approvals/{arrangement.approval_id}/").content.decode()
    assert f'href="/worktime/requests/{arrangement.pk}/revise/"' in page
    # Not the title-and-body form: that would send the same days again.
    assert f'action="/approvals/{arrangement.approval_id}/resubmit/"' not in page
