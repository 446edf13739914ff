"""When the office closes: place everyone of a closed building or floor at a center or at home.

The workflow spans seats and arrangements, so it lives here and calls smartcenters' services.
Every step is idempotent by (closure, person, date): proposing again or extending the closure
touches only days that are not yet confirmed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from itertools import groupby
from typing import TYPE_CHECKING

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.notifications import notify
from approvals import services as approvals
from core import clock
from smartcenters import selectors as center_selectors
from smartcenters import services as centers
from smartcenters.selectors import BookingOrigin, BookingStatus

from .. import rules
from ..away import selectors as away_selectors
from ..documents import DOC_REMOTE
from ..models import Arrangement, ArrangementDay, Closure, ClosurePlacement, Kind, Status
from ..services import RequestInvalid
from .placement import assign_seats
from .selectors import affected_people, closure_days

if TYPE_CHECKING:
    from accounts.models import User


@transaction.atomic
def create_closure(
    *,
    building: str,
    floor: int | None,
    start_date: dt.date,
    end_date: dt.date,
    reason: str,
    actor: User,
) -> Closure:
    closure = Closure.objects.create(
        building=building,
        floor=floor,
        start_date=start_date,
        end_date=end_date,
        reason=reason,
        created_by=actor,
    )
    propose_placements(closure=closure)
    return closure


@transaction.atomic
def set_close_contacts(*, closure: Closure, person_ids, actor: User) -> Closure:
    """Mark who is a close contact (they work from home); unconfirmed days are placed again."""
    closure = Closure.objects.select_for_update().get(pk=closure.pk)
    allowed = set(affected_people(closure).values_list("pk", flat=True))
    closure.close_contacts.set([pk for pk in person_ids if pk in allowed])
    propose_placements(closure=closure)
    return closure


@transaction.atomic
def extend_closure(*, closure: Closure, end_date: dt.date, actor: User) -> Closure:
    closure = Closure.objects.select_for_update().get(pk=closure.pk)
    if end_date < closure.end_date:
        raise RequestInvalid({"end_date": [_("A closure can be extended, not shortened.")]})
    closure.end_date = end_date
    closure.save(update_fields=["end_date"])
    propose_placements(closure=closure)
    return closure


@transaction.atomic
def propose_placements(*, closure: Closure) -> int:
    """(Re)compute the unconfirmed placements: close contacts at home, the others at the
    nearest center with a free seat that day, the rest at home. Returns the rows written."""
    closure = Closure.objects.select_for_update().get(pk=closure.pk)
    people = list(affected_people(closure))
    contacts = set(closure.close_contacts.values_list("pk", flat=True))
    existing = {
        (p.person_id, p.date): p
        for p in ClosurePlacement.objects.select_for_update().filter(closure=closure)
    }
    open_centers = list(center_selectors.active_centers().order_by("pk"))
    center_points = [(c.pk, c.latitude, c.longitude) for c in open_centers]
    days = closure_days(closure)
    # Days beyond a shortened range or no longer working days lose their unconfirmed rows.
    ClosurePlacement.objects.filter(closure=closure, confirmed_at__isnull=True).exclude(
        date__in=days
    ).delete()
    # People on leave, a trip or training all day need no seat and no home order that day.
    away = away_selectors.away_all_day([p.pk for p in people], days[0], days[-1]) if days else set()
    for person_id, day in away:
        placement = existing.pop((person_id, day), None)
        if placement is not None and placement.confirmed_at is None:
            placement.delete()
    people_of_day = {day: [p for p in people if (p.pk, day) not in away] for day in days}
    written = 0
    for day in days:
        # Seats this closure already proposed (unconfirmed) are not booked yet: keep them off.
        free = {
            c.pk: list(center_selectors.free_seats(c, day, "full").values_list("pk", flat=True))
            for c in open_centers
        }
        waiting = []
        for person in people_of_day[day]:
            placement = existing.get((person.pk, day))
            if placement is not None and placement.confirmed_at is not None:
                continue
            if person.pk in contacts:
                continue
            home = (
                (person.home_latitude, person.home_longitude)
                if person.home_latitude is not None and person.home_longitude is not None
                else None
            )
            waiting.append((person.pk, home))
        assigned = assign_seats(waiting, free, center_points)
        for person in people_of_day[day]:
            placement = existing.get((person.pk, day))
            if placement is not None and placement.confirmed_at is not None:
                continue
            is_contact = person.pk in contacts
            seat = None if is_contact else assigned.get(person.pk)
            values = {
                "is_close_contact": is_contact,
                "mode": ClosurePlacement.Mode.CENTER if seat else ClosurePlacement.Mode.HOME,
                "center_id": seat[0] if seat else None,
                "seat_id": seat[1] if seat else None,
            }
            ClosurePlacement.objects.update_or_create(
                closure=closure, person=person, date=day, defaults=values
            )
            written += 1
    return written


@transaction.atomic
def confirm_closure(
    *, closure: Closure, actor: User, now: dt.datetime | None = None
) -> dict[str, int]:
    """Book the proposed seats, record the arrangements as approved by the closure order, and
    tell every newly placed person where to work. Days already confirmed are left alone; the
    others are confirmed `now` (the clock's by default)."""
    closure = Closure.objects.select_for_update().get(pk=closure.pk)
    propose_placements(closure=closure)
    placements = list(
        ClosurePlacement.objects.select_for_update(of=("self",))
        .filter(closure=closure, confirmed_at__isnull=True)
        .select_related("person", "center", "seat__center")
        .order_by("person_id", "date")
    )
    now = now or clock.now()
    counts = {"people": 0, "bookings": 0, "home": 0, "arrangements": 0}
    for _person_id, rows in groupby(placements, key=lambda p: p.person_id):
        rows = list(rows)
        person = rows[0].person
        for placement in rows:
            _settle_day(placement, now=now)
        groups: dict[tuple, list[ClosurePlacement]] = defaultdict(list)
        for placement in rows:
            if placement.arrangement_id:
                continue  # kept an arrangement the person already had
            key = (placement.mode, placement.center_id)
            groups[key].append(placement)
        for (mode, _center), members in groups.items():
            _record_arrangement(closure, person, mode, members, actor)
            counts["arrangements"] += 1
        for placement in rows:
            placement.confirmed_at = now
            placement.save()
            if placement.mode == ClosurePlacement.Mode.CENTER:
                counts["bookings"] += 1
            else:
                counts["home"] += 1
        counts["people"] += 1
        _tell(closure, person, rows)
    closure.status = Closure.State.CONFIRMED
    closure.confirmed_at = closure.confirmed_at or now
    closure.save(update_fields=["status", "confirmed_at"])
    return counts


def _settle_day(placement: ClosurePlacement, *, now: dt.datetime) -> None:
    """Make way for the placement: keep a remote arrangement the person already has that day,
    step an office arrangement aside, and book the seat (or the nearest free one)."""
    person, day = placement.person, placement.date
    current = (
        ArrangementDay.objects.select_for_update(of=("self",))
        .filter(user=person, date=day, is_active=True)
        .select_related("arrangement", "booking__seat")
        .first()
    )
    if current is not None:
        if current.arrangement.kind in rules.Kind.REMOTE:
            placement.arrangement = current.arrangement
            if current.arrangement.kind == Kind.SMART_WORK and current.booking_id:
                placement.mode = ClosurePlacement.Mode.CENTER
                placement.booking = current.booking
                placement.seat = current.booking.seat
                placement.center_id = current.booking.seat.center_id
            else:
                placement.mode = ClosurePlacement.Mode.HOME
                placement.center = placement.seat = None
            return
        # The office is closed: an office-based arrangement does not apply that day.
        current.is_active = False
        current.save(update_fields=["is_active"])
    if placement.mode != ClosurePlacement.Mode.CENTER:
        return
    seat = placement.seat
    for _attempt in range(3):
        try:
            with transaction.atomic():
                placement.booking = centers.book_seat(
                    user=person,
                    seat=seat,
                    date=day,
                    slot="full",
                    status=BookingStatus.CONFIRMED,
                    origin=BookingOrigin.CLOSURE,
                    enforce_rules=False,
                    now=now,
                )
            placement.seat = seat
            placement.center_id = seat.center_id
            return
        except centers.PersonAlreadyBooked as already:
            if already.booking is not None:
                placement.booking = already.booking
                placement.seat = already.booking.seat
                placement.center_id = already.booking.seat.center_id
                return
            break
        except centers.SeatTaken as taken:
            if taken.nearest_free_seat is None:
                break
            seat = taken.nearest_free_seat
        except centers.BookingRuleError:
            break
    placement.mode = ClosurePlacement.Mode.HOME
    placement.center = placement.seat = placement.booking = None


def _record_arrangement(
    closure: Closure, person: User, mode: str, members: list[ClosurePlacement], actor: User
) -> Arrangement:
    kind = Kind.SMART_WORK if mode == ClosurePlacement.Mode.CENTER else Kind.REMOTE_HOME
    first = members[0]
    arrangement = Arrangement.objects.create(
        applicant=person,
        kind=kind,
        start_date=members[0].date,
        end_date=members[-1].date,
        reason=closure.reason,
        center=first.center if kind == Kind.SMART_WORK else None,
        seat=first.seat if kind == Kind.SMART_WORK else None,
        status=Status.DRAFT,
        origin=Arrangement.Origin.CLOSURE,
        client="closure",
    )
    ArrangementDay.objects.bulk_create(
        ArrangementDay(
            arrangement=arrangement,
            user=person,
            date=p.date,
            start_time=rules.STANDARD_START,
            end_time=dt.time(18, 0),
            hours=rules.STANDARD_DAY_HOURS,
            booking=p.booking,
        )
        for p in members
    )
    where = str(first.center) if kind == Kind.SMART_WORK else str(_("At home"))
    document = approvals.record_approved_by_order(
        applicant=person,
        doc_type=DOC_REMOTE,
        title=_("Closure of %(where)s: %(person)s works at %(place)s")
        % {"where": closure_place(closure), "person": person.get_full_name(), "place": where},
        facts=[
            [_("Kind"), str(arrangement.get_kind_display())],
            [_("Days"), ", ".join(str(p.date) for p in members)],
            [_("Where"), where],
            [_("Reason"), closure.reason],
        ],
        subject=arrangement,
        order=_("Closure order #%(id)s: %(reason)s") % {"id": closure.pk, "reason": closure.reason},
        actor=actor,
    )
    arrangement.approval = document
    arrangement.status = Status.APPROVED
    arrangement.save(update_fields=["approval", "status", "updated_at"])
    for p in members:
        p.arrangement = arrangement
    return arrangement


def closure_place(closure: Closure) -> str:
    if closure.floor is None:
        return closure.building
    return _("%(building)s, floor %(floor)s") % {
        "building": closure.building,
        "floor": closure.floor,
    }


def _tell(closure: Closure, person: User, rows: list[ClosurePlacement]) -> None:
    lines = []
    for placement in rows:
        if placement.mode == ClosurePlacement.Mode.CENTER and placement.seat is not None:
            where = _("%(center)s, seat %(seat)s") % {
                "center": placement.seat.center.name,
                "seat": placement.seat.label,
            }
        else:
            where = _("remote work from home")
        lines.append(f"{placement.date}: {where}")
    notify(
        recipient=person,
        title=_("%(where)s is closed: where you work") % {"where": closure_place(closure)},
        body="\n".join(lines),
        url=reverse("worktime:month"),
    )
