"""Closing a floor: everyone placed at the nearest center or at home, once, even when re-run."""

import pytest

from accounts.models import Notification
from smartcenters.models import Booking
from tests.factories import UserFactory, WorkplaceFactory, org_tree
from worktime import closures, services
from worktime.models import Arrangement, ArrangementDay, ClosurePlacement

from .factories import CenterFactory, SeatFactory, next_working_day, working_day

pytestmark = pytest.mark.django_db


@pytest.fixture
def floor_people():
    floor = WorkplaceFactory(building="구청 본관", floor=3)
    other_floor = WorkplaceFactory(building="구청 본관", floor=4)
    near = CenterFactory(name="노은도서관 스마트워크센터", latitude=36.37, longitude=127.31)
    far = CenterFactory(name="구즉동 스마트워크센터", latitude=36.44, longitude=127.40)
    near_seat = SeatFactory(center=near, label="A-01")
    far_seats = [SeatFactory(center=far, label=f"B-0{i}") for i in (1, 2)]
    people = [
        UserFactory(workplace=floor, home_latitude=36.371, home_longitude=127.311),
        UserFactory(workplace=floor, home_latitude=36.372, home_longitude=127.312),
        UserFactory(workplace=floor, home_latitude=36.44, home_longitude=127.40),
        UserFactory(workplace=floor),  # home unknown
        UserFactory(workplace=floor),  # a close contact
    ]
    UserFactory(workplace=other_floor)
    return {"people": people, "near_seat": near_seat, "far_seats": far_seats}


def close_floor(admin, days=2):
    start = working_day(1)
    end = start
    for _ in range(days - 1):
        end = next_working_day(end)
    return closures.create_closure(
        building="구청 본관",
        floor=3,
        start_date=start,
        end_date=end,
        reason="확진자 발생",
        actor=admin,
    )


def test_closure_lists_only_the_closed_floor(admin_user, floor_people):
    closure = close_floor(admin_user)
    assert set(closures.affected_people(closure)) == set(floor_people["people"])


def test_proposal_nearest_first_capacity_respected_contacts_home(admin_user, floor_people):
    people = floor_people["people"]
    closure = close_floor(admin_user, days=1)
    closures.set_close_contacts(closure=closure, person_ids=[people[4].pk], actor=admin_user)
    placed = {p.person_id: p for p in ClosurePlacement.objects.filter(closure=closure)}
    assert placed[people[0].pk].seat == floor_people["near_seat"]
    assert placed[people[1].pk].seat in floor_people["far_seats"]  # the near center is full
    assert placed[people[2].pk].seat in floor_people["far_seats"]
    assert placed[people[3].pk].mode == "home"  # no seat left
    assert placed[people[4].pk].mode == "home" and placed[people[4].pk].is_close_contact


def test_confirm_books_records_approved_and_tells_everyone(admin_user, floor_people):
    people = floor_people["people"]
    closure = close_floor(admin_user, days=2)
    closures.set_close_contacts(closure=closure, person_ids=[people[4].pk], actor=admin_user)
    counts = closures.confirm_closure(closure=closure, actor=admin_user)
    assert counts["people"] == 5
    bookings = Booking.objects.filter(origin="closure")
    assert bookings.count() == 6  # three seats on two days
    assert all(b.status == "confirmed" for b in bookings)
    arrangements = Arrangement.objects.filter(origin="closure")
    assert all(a.status == "approved" for a in arrangements)
    assert all(a.approval.status == "approved" for a in arrangements)
    assert {a.kind for a in arrangements.filter(applicant=people[4])} == {"remote_home"}
    assert ArrangementDay.objects.filter(user__in=people, is_active=True).count() == 10
    for person in people:
        assert Notification.objects.filter(recipient=person, url="/worktime/").count() == 1


def test_confirming_twice_duplicates_nothing(admin_user, floor_people):
    closure = close_floor(admin_user, days=2)
    closures.confirm_closure(closure=closure, actor=admin_user)
    counts = (Booking.objects.count(), Arrangement.objects.count(), Notification.objects.count())
    second = closures.confirm_closure(closure=closure, actor=admin_user)
    closures.propose_placements(closure=closure)
    assert second["people"] == 0
    assert (
        Booking.objects.count(),
        Arrangement.objects.count(),
        Notification.objects.count(),
    ) == counts


def test_extending_places_only_the_new_days(admin_user, floor_people):
    closure = close_floor(admin_user, days=1)
    closures.confirm_closure(closure=closure, actor=admin_user)
    first_day = closure.start_date
    new_end = next_working_day(first_day)
    closures.extend_closure(closure=closure, end_date=new_end, actor=admin_user)
    counts = closures.confirm_closure(closure=closure, actor=admin_user)
    assert counts["people"] == 5
    assert ClosurePlacement.objects.filter(closure=closure).count() == 10
    assert Booking.objects.filter(date=first_day).count() == 3
    assert Booking.objects.filter(date=new_end).count() == 3
    closures.confirm_closure(closure=closure, actor=admin_user)
    assert Booking.objects.count() == 6


def test_closure_keeps_an_existing_remote_arrangement(admin_user, floor_people):
    person = floor_people["people"][3]
    team, _lead, _chief, _director = org_tree()
    person.department = team
    person.save()
    closure_day = working_day(1)
    own = services.request_arrangement(
        applicant=person,
        kind="remote_home",
        start_date=closure_day,
        reason="돌봄",
        is_emergency=True,
        emergency_reason="아이 발열",
    )
    closure = closures.create_closure(
        building="구청 본관",
        floor=3,
        start_date=closure_day,
        end_date=closure_day,
        reason="확진자 발생",
        actor=admin_user,
    )
    closures.confirm_closure(closure=closure, actor=admin_user)
    placement = ClosurePlacement.objects.get(closure=closure, person=person)
    assert placement.arrangement == own
    assert not Booking.objects.filter(user=person).exists()
