"""Demo arrangements for `seed_demo`: 총무팀's week, approved and pending: idempotent."""

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from approvals import services as approvals
from approvals.demo import approve_through_the_line
from core import clock
from core.workdays import work_calendar
from smartcenters import selectors as center_selectors
from smartcenters import services as centers
from smartcenters.selectors import BookingOrigin, BookingStatus

from . import rules
from .away import demo as away_demo
from .documents import doc_type_for, facts_of, title_for
from .models import Arrangement, ArrangementDay, Status
from .policies import default_policy

T = dt.time
# username → (kind, weekdays of the week, start, hours per weekday or None, approved?, reason)
PLAN = {
    "staff001": ("staggered", (0, 1, 2, 3, 4), T(10, 0), None, True, "자녀 등원 후 출근"),
    "staff002": ("staggered", (0, 1, 2, 3, 4), T(7, 30), None, True, "자녀 하원 돌봄"),
    "staff003": ("remote_home", (2, 4), None, None, True, "자녀 자가격리(밀접접촉)"),
    "staff004": ("smart_work", (3, 4), None, None, True, "현장 방문 후 보고서 작성"),
    "staff005": ("chosen_hours", (0, 4), T(8, 0), {0: 10, 4: 6}, False, "병원 진료"),
    "staff006": ("remote_home", (4,), None, None, False, "가족 돌봄"),
    "staff007": (
        "compressed",
        (0, 1, 2, 3),
        T(8, 0),
        {0: 10, 1: 10, 2: 10, 3: 10},
        True,
        "학업 병행",
    ),
    "staff008": ("smart_work", (4,), None, None, False, "민원 현장 확인"),
}
DEMO_CLIENT = "demo"


def _week(today: dt.date) -> list[dt.date]:
    monday = today - dt.timedelta(days=today.weekday())
    if today.weekday() >= 5:
        monday += dt.timedelta(days=7)
    return [monday + dt.timedelta(days=i) for i in range(5)]


@transaction.atomic
def seed(stdout=None, *, today: dt.date | None = None) -> None:
    today = today or clock.today()
    week = _week(today)
    calendar = work_calendar(week[0], week[-1])
    center = center_selectors.center_named("노은")
    seats = list(center.seats.filter(is_active=True).order_by("label")) if center else []
    created = 0
    for index, (username, (kind, weekdays, start, hours, approve, reason)) in enumerate(
        PLAN.items()
    ):
        person = get_user_model().objects.filter(username=username).first()
        if person is None:
            continue
        if Arrangement.objects.filter(
            applicant=person, client=DEMO_CLIENT, start_date__lte=week[-1], end_date__gte=week[0]
        ).exists():
            continue
        days = [d for d in week if d.weekday() in weekdays and calendar.is_working_day(d)]
        if kind == "smart_work":
            # A seat cannot be booked for a time already past.
            days = [d for d in days if d > today]
            if not seats:
                continue
        days = [
            d
            for d in days
            if not ArrangementDay.objects.filter(user=person, date=d, is_active=True).exists()
        ]
        if not days:
            continue
        seat = seats[index % len(seats)] if kind == "smart_work" else None
        arrangement = Arrangement.objects.create(
            applicant=person,
            kind=kind,
            start_date=days[0],
            end_date=days[-1],
            weekdays=list(weekdays) if len(weekdays) < 5 else [],
            start_time=start,
            hours=None,
            daily_hours={str(k): str(v) for k, v in (hours or {}).items()},
            reason=reason,
            center=seat.center if seat else None,
            seat=seat,
            client=DEMO_CLIENT,
        )
        plan = []
        policy = default_policy(kind)
        for day in days:
            day_hours = Decimal((hours or {}).get(day.weekday(), 8))
            begin = start or rules.STANDARD_START
            plan.append(
                rules.DayPlan(day, begin, rules.end_of_day(begin, day_hours, policy), day_hours)
            )
        rows = ArrangementDay.objects.bulk_create(
            ArrangementDay(
                arrangement=arrangement,
                user=person,
                date=p.date,
                start_time=p.start_time,
                end_time=p.end_time,
                hours=p.hours,
            )
            for p in plan
        )
        if seat is not None:
            for row in rows:
                try:
                    with transaction.atomic():
                        row.booking = centers.book_seat(
                            user=person,
                            seat=seat,
                            date=row.date,
                            slot="full",
                            status=BookingStatus.HELD,
                            origin=BookingOrigin.ARRANGEMENT,
                            enforce_rules=False,
                        )
                except centers.BookingError:
                    continue
            ArrangementDay.objects.bulk_update(rows, ["booking"])
        document = approvals.submit(
            applicant=person,
            doc_type=doc_type_for(kind),
            title=title_for(arrangement, person),
            body=reason,
            facts=facts_of(arrangement, plan),
            subject=arrangement,
            span_days=len(plan),
            client="web",
        )
        arrangement.approval = document
        arrangement.status = Status.PENDING
        arrangement.save(update_fields=["approval", "status"])
        if approve:
            # The line's approvers decide in turn; the signal confirms held seats.
            approve_through_the_line(document)
        created += 1
    if stdout:
        stdout.write(f"  worktime: {created} demo arrangements for 총무팀 this week")
    away_demo.seed(week=week, stdout=stdout)
