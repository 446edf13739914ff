"""Every recurring job of the portal as a row the health lead can edit in the admin.

One periodic task for each entry of the settings' CELERY_BEAT_SCHEDULE at install time (the
self-check reminders as crontab entries at RPA_SELFCHECK_REMINDER_TIMES); beat then reads the
rows (config.beat), so a changed time takes effect without a restart. Written with the
historical models, so that a later django-celery-beat schema does not break this step.
"""

import datetime
import json

from celery.schedules import crontab
from django.conf import settings
from django.db import migrations


def _schedule_fields(apps, schedule) -> dict:
    if isinstance(schedule, crontab):
        CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
        row, _created = CrontabSchedule.objects.get_or_create(
            minute=schedule._orig_minute,
            hour=schedule._orig_hour,
            day_of_week=schedule._orig_day_of_week,
            day_of_month=schedule._orig_day_of_month,
            month_of_year=schedule._orig_month_of_year,
            timezone=settings.CELERY_TIMEZONE,
        )
        return {"crontab": row}
    seconds = schedule.total_seconds() if isinstance(schedule, datetime.timedelta) else schedule
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    row, _created = IntervalSchedule.objects.get_or_create(every=int(seconds), period="seconds")
    return {"interval": row}


def create_jobs(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        if PeriodicTask.objects.filter(name=name).exists():
            continue
        PeriodicTask.objects.create(
            name=name,
            task=entry["task"],
            args=json.dumps(list(entry.get("args") or [])),
            kwargs=json.dumps(entry.get("kwargs") or {}),
            **_schedule_fields(apps, entry["schedule"]),
        )


class Migration(migrations.Migration):
    dependencies = [
        ("rpa", "0003_health_production_defaults"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_jobs, migrations.RunPython.noop)]
