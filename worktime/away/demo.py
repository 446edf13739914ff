"""Demo 근무상황 for `seed_demo`: trip destinations of the district and 총무팀's week away."""

import datetime as dt

from django.contrib.auth import get_user_model

from approvals.demo import approve_through_the_line

from ..services import RequestInvalid
from . import services
from .models import AwayKind, AwayRecord, TripDestination

# Places staff of the district visit on business: name, latitude, longitude.
DESTINATIONS = [
    ("노은1동 행정복지센터", 36.3690, 127.3204),
    ("진잠동 행정복지센터", 36.3005, 127.3186),
    ("온천1동 행정복지센터", 36.3545, 127.3453),
    ("관평동 행정복지센터", 36.4270, 127.3920),
    ("대전광역시청", 36.3504, 127.3845),
]

# username → (kind code, weekday offsets, start, end, approve?, where, reason)
PLAN = {
    "staff009": ("annual", (2, 3, 4), None, None, True, "", "가족 행사"),
    "staff010": ("trip", (1,), None, None, True, "노은1동 행정복지센터", "주민센터 현장 점검"),
    "staff011": ("training", (3,), None, None, False, "", "지방행정연수원 교육"),
    "staff012": ("out", (1,), dt.time(14), dt.time(16), True, "", "병원 진료"),
}


def seed(*, week: list[dt.date], stdout=None) -> None:
    for name, lat, lon in DESTINATIONS:
        TripDestination.objects.get_or_create(
            name=name, defaults={"latitude": lat, "longitude": lon}
        )
    created = 0
    for username, (code, offsets, start, end, approve, where, reason) in PLAN.items():
        person = get_user_model().objects.filter(username=username).first()
        kind = AwayKind.objects.filter(code=code).first()
        days = [week[i] for i in offsets if i < len(week)]
        if person is None or kind is None or not days:
            continue
        if AwayRecord.objects.filter(
            person=person, start_date__lte=week[-1], end_date__gte=week[0]
        ).exists():
            continue
        try:
            record = services.record_away(
                person=person,
                kind=kind,
                start_date=days[0],
                end_date=days[-1],
                start_time=start,
                end_time=end,
                destination=TripDestination.objects.filter(name=where).first(),
                reason=reason,
            )
        except RequestInvalid:
            continue  # a holiday week: nothing to record
        if approve and record.approval_id:
            approve_through_the_line(record.approval)
        created += 1
    if stdout:
        stdout.write(f"  worktime: {created} demo leave, trip and training records")
