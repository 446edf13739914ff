"""The policies of docs/product-rules.md for each arrangement kind; admins edit them afterwards."""

import datetime as dt
from decimal import Decimal

from django.db import migrations

T = dt.time
LUNCH = {"lunch_start": T(12, 0), "lunch_end": T(13, 0)}
DEFAULTS = {
    # 시차출퇴근형: start 07:00–10:00 in 30-minute steps, 8 hours a day.
    "staggered": {
        "earliest_start": T(7, 0),
        "latest_start": T(10, 0),
        "start_step_minutes": 30,
        "min_daily_hours": Decimal(8),
        "max_daily_hours": Decimal(8),
        "weekly_hours": Decimal(40),
        "min_days_ahead": 1,
        "max_days_ahead": 180,
        "emergency_allowed": True,
        "cancel_needs_approval": False,
    },
    # 근무시간선택형: 4–12 hours a day, 40 a week, between 07:00 and 22:00.
    "chosen_hours": {
        "earliest_start": T(7, 0),
        "latest_start": T(13, 0),
        "start_step_minutes": 30,
        "latest_end": T(22, 0),
        "min_daily_hours": Decimal(4),
        "max_daily_hours": Decimal(12),
        "weekly_hours": Decimal(40),
        "min_days_ahead": 1,
        "max_days_ahead": 180,
        "emergency_allowed": True,
        "cancel_needs_approval": True,
    },
    # 집약근무형: fewer, longer days (8–12 hours), 40 a week.
    "compressed": {
        "earliest_start": T(7, 0),
        "latest_start": T(10, 0),
        "start_step_minutes": 30,
        "latest_end": T(22, 0),
        "min_daily_hours": Decimal(8),
        "max_daily_hours": Decimal(12),
        "weekly_hours": Decimal(40),
        "min_days_ahead": 3,
        "max_days_ahead": 180,
        "emergency_allowed": False,
        "cancel_needs_approval": True,
    },
    # 재량근무형: the work decides the hours; a week's notice.
    "discretionary": {
        "min_days_ahead": 7,
        "max_days_ahead": 365,
        "emergency_allowed": False,
        "cancel_needs_approval": True,
    },
    # 재택근무
    "remote_home": {
        "min_days_ahead": 1,
        "max_days_ahead": 90,
        "monthly_day_limit": 10,
        "emergency_allowed": True,
        "cancel_needs_approval": False,
    },
    # 스마트워크근무: needs a seat; as far ahead as seat bookings open.
    "smart_work": {
        "min_days_ahead": 1,
        "max_days_ahead": 14,
        "monthly_day_limit": 15,
        "emergency_allowed": True,
        "cancel_needs_approval": False,
    },
}


def create_policies(apps, schema_editor):
    WorkPolicy = apps.get_model("worktime", "WorkPolicy")
    for kind, values in DEFAULTS.items():
        WorkPolicy.objects.get_or_create(kind=kind, defaults={**LUNCH, **values})


class Migration(migrations.Migration):
    dependencies = [("worktime", "0001_initial")]

    operations = [migrations.RunPython(create_policies, migrations.RunPython.noop)]
