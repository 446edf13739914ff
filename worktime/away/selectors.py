"""Reads of 근무상황: who is away when, a person's records, centers near a trip, the year's figures."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from core.workdays import work_calendar
from smartcenters import selectors as centers

from .. import rules as worktime_rules
from . import rules
from .models import COUNTING_STATUSES, AwayKind, AwayRecord


def kinds_offered():
    return AwayKind.objects.filter(is_active=True)


def away_between(person_ids, start: dt.date, end: dt.date) -> dict[tuple[int, dt.date], list]:
    """(person id, day) → the records that take the person away that day, whole days first."""
    found: dict[tuple[int, dt.date], list] = defaultdict(list)
    records = (
        AwayRecord.objects.filter(
            person_id__in=person_ids,
            status__in=COUNTING_STATUSES,
            start_date__lte=end,
            end_date__gte=start,
        )
        .select_related("kind", "destination")
        .order_by("start_time", "pk")
    )
    for record in records:
        for day in worktime_rules.dates_between(
            max(start, record.start_date), min(end, record.end_date)
        ):
            found[(record.person_id, day)].append(record)
    for records_of_day in found.values():
        records_of_day.sort(key=lambda r: (r.start_time is not None, r.start_time or dt.time()))
    return found


def away_all_day(person_ids, start: dt.date, end: dt.date) -> set[tuple[int, dt.date]]:
    """(person id, day) pairs on which the person is away for the whole day."""
    return {
        key
        for key, records in away_between(person_ids, start, end).items()
        if any(not r.is_part_of_day for r in records)
    }


def records_of(person, *, limit: int = 50):
    return (
        AwayRecord.objects.filter(person=person)
        .select_related("kind", "destination", "approval")
        .order_by("-start_date", "-pk")[:limit]
    )


def record_for(person, pk: int) -> AwayRecord | None:
    """A record the person may see: their own (managers read others' through approvals)."""
    return (
        AwayRecord.objects.select_related("kind", "destination", "approval", "person")
        .filter(pk=pk, person=person)
        .first()
    )


def feed_records(person, *, since: dt.date):
    return (
        AwayRecord.objects.filter(person=person, status__in=COUNTING_STATUSES, end_date__gte=since)
        .select_related("kind", "destination")
        .order_by("start_date")
    )


def centers_near_trip(record: AwayRecord, day: dt.date, *, limit: int = 3) -> list[dict]:
    """The open smart-work centers nearest a trip's destination, with their free afternoon seats
    that day: where to work for the rest of the day instead of travelling back."""
    if record.destination_id is None:
        return []
    offers = []
    for center, km in centers.centers_near(
        latitude=record.destination.latitude, longitude=record.destination.longitude
    ):
        if not centers.is_center_open(center, day):
            continue
        free = centers.free_seats(center, day, "pm").count()
        offers.append({"center": center, "km": km, "free": free, "day": day})
        if len(offers) == limit:
            break
    return offers


def days_by_kind(year: int) -> list[tuple[str, int]]:
    """Working days recorded away in a year, by kind (approved records; part days count once)."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    calendar = work_calendar(start, end)
    counts: Counter = Counter()
    records = AwayRecord.objects.filter(
        status=AwayRecord.Status.APPROVED, start_date__lte=end, end_date__gte=start
    ).select_related("kind")
    for record in records:
        days, _skipped = rules.covered_days(
            max(start, record.start_date), min(end, record.end_date), calendar
        )
        counts[record.kind_id] += len(days)
    return [(str(kind), counts.get(kind.pk, 0)) for kind in AwayKind.objects.all()]
