"""Bookings at a center that needs approval go to the holder's team lead and follow the outcome."""

from datetime import date

import pytest

from approvals import services as approvals
from approvals.models import Document
from smartcenters import services
from smartcenters.models import Booking
from tests.factories import UserFactory, org_tree
from tests.smartcenters.factories import CenterFactory, SeatFactory, at

pytestmark = pytest.mark.django_db
MONDAY = date(2030, 3, 4)
NOW = at(MONDAY, 8)


@pytest.fixture
def approval_center():
    return CenterFactory(needs_approval=True)


def book(user, center):
    return services.book_seat(
        user=user, seat=SeatFactory(center=center), date=MONDAY, slot="full", now=NOW
    )


def test_booking_is_held_and_waits_for_the_team_lead(approval_center):
    team, lead, _chief, _director = org_tree()
    booking = book(UserFactory(department=team), approval_center)
    assert booking.status == Booking.Status.HELD
    document = Document.objects.get(subject_id=booking.pk, doc_type__code="smartcenters.booking")
    assert document.status == Document.Status.PENDING
    assert [s.approver for s in document.steps.all()] == [lead]


def test_approval_confirms_the_held_booking(approval_center):
    team, lead, _chief, _director = org_tree()
    booking = book(UserFactory(department=team), approval_center)
    approvals.approve(document=Document.objects.get(subject_id=booking.pk), actor=lead)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


def test_return_releases_the_seat(approval_center):
    team, lead, _chief, _director = org_tree()
    booking = book(UserFactory(department=team), approval_center)
    approvals.return_(
        document=Document.objects.get(subject_id=booking.pk),
        actor=lead,
        reason="다른 날로 해주세요",
    )
    booking.refresh_from_db()
    assert booking.status == Booking.Status.RELEASED


def test_cancelling_a_waiting_booking_withdraws_its_document(approval_center):
    team, _lead, _chief, _director = org_tree()
    holder = UserFactory(department=team)
    booking = book(holder, approval_center)
    services.cancel_booking(booking=booking, actor=holder, now=NOW)
    assert Document.objects.get(subject_id=booking.pk).status == Document.Status.WITHDRAWN


def test_without_an_approver_nothing_is_booked(approval_center):
    loner = UserFactory(department=None)
    with pytest.raises(services.BookingRuleError):
        book(loner, approval_center)
    assert not Booking.objects.filter(user=loner).exists()
    assert not Document.objects.filter(applicant=loner).exists()


def test_centers_without_approval_confirm_at_once():
    team, _lead, _chief, _director = org_tree()
    booking = book(UserFactory(department=team), CenterFactory(needs_approval=False))
    assert booking.status == Booking.Status.CONFIRMED
    assert not Document.objects.filter(
        subject_id=booking.pk, doc_type__code="smartcenters.booking"
    ).exists()
