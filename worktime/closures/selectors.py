"""Reads of building closures: who is affected, which days, and the planner's table."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model

from core.workdays import work_calendar

from .. import rules
from ..models import Closure, ClosurePlacement

RECENT = 50


def recent_closures() -> list[Closure]:
    return list(Closure.objects.all()[:RECENT])


def affected_people(closure: Closure):
    """Active people whose usual workplace is the closed building (or the closed floor of it)."""
    people = get_user_model().objects.filter(is_active=True, workplace__building=closure.building)
    if closure.floor is not None:
        people = people.filter(workplace__floor=closure.floor)
    return people.select_related("department", "workplace").order_by("full_name", "pk")


def closure_days(closure: Closure) -> list[dt.date]:
    cal = work_calendar(closure.start_date, closure.end_date)
    return [
        d
        for d in rules.dates_between(closure.start_date, closure.end_date)
        if cal.is_working_day(d)
    ]


def planner(closure: Closure) -> dict:
    """The closure's page: each affected person with their proposals, the days, what is left."""
    placements: dict[int, list[ClosurePlacement]] = {}
    for placement in ClosurePlacement.objects.filter(closure=closure).select_related(
        "seat__center"
    ):
        placements.setdefault(placement.person_id, []).append(placement)
    contacts = set(closure.close_contacts.values_list("pk", flat=True))
    rows = [
        {"person": p, "is_contact": p.pk in contacts, "placements": placements.get(p.pk, [])}
        for p in affected_people(closure)
    ]
    unconfirmed = ClosurePlacement.objects.filter(closure=closure, confirmed_at__isnull=True)
    return {"rows": rows, "days": closure_days(closure), "unconfirmed": unconfirmed.count()}
