"""Recurring jobs live in the database: created by a migration, edited in the admin, no restart."""

import json

import pytest
from django.conf import settings
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from config.beat import DefaultsDatabaseScheduler
from config.celery import app

pytestmark = pytest.mark.django_db

# The scheduler commits and closes connections as beat does: those tests run outside the
# test transaction, on tables a previous transactional test may have emptied, so they start
# a scheduler first (which creates the missing jobs, as a beat started on a fresh install).
running_beat = pytest.mark.django_db(transaction=True)


def scheduler() -> DefaultsDatabaseScheduler:
    return DefaultsDatabaseScheduler(app=app, lazy=False)


def test_the_migration_made_one_job_for_every_beat_entry():
    jobs = {job.name: job for job in PeriodicTask.objects.all()}
    assert set(settings.CELERY_BEAT_SCHEDULE) <= set(jobs)
    assert jobs["rpa-sweep-outbox"].interval.every == 30
    assert jobs["rpa-sweep-pending-reports"].task == "rpa.tasks.sweep_pending_reports"
    morning = jobs["rpa-selfcheck-reminders-10:00"]
    assert (morning.crontab.hour, morning.crontab.minute) == ("10", "0")
    assert json.loads(morning.kwargs) == {"slot": "10:00"}


@running_beat
def test_a_reminder_moved_in_the_admin_reaches_the_running_scheduler(admin_user, client_for):
    running = scheduler()
    assert running.schedule  # read once, as a running beat has
    # An hour from now: the scheduler holds the crontab jobs of the coming hours.
    hour = (timezone.localtime().hour + 1) % 24
    job = PeriodicTask.objects.get(name="rpa-selfcheck-reminders-15:00")
    later, _ = CrontabSchedule.objects.get_or_create(
        minute="7", hour=str(hour), timezone=settings.CELERY_TIMEZONE
    )
    response = client_for(admin_user).post(
        f"/admin/django_celery_beat/periodictask/{job.pk}/change/",
        {
            "name": job.name,
            "regtask": job.task,
            "task": "",
            "enabled": "on",
            "crontab": later.pk,
            "args": "[]",
            "kwargs": job.kwargs,
            "expire_seconds": "",
            "queue": "",
            "exchange": "",
            "routing_key": "",
            "priority": "",
            "headers": "{}",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    # The same scheduler object, not a new one: a running beat sees the change.
    entry = running.schedule["rpa-selfcheck-reminders-15:00"].schedule
    assert (entry.hour, entry.minute) == ({hour}, {7})


@running_beat
def test_starting_beat_again_keeps_the_admins_edits_and_adds_missing_jobs():
    scheduler()
    job = PeriodicTask.objects.get(name="rpa-sweep-outbox")
    job.interval, _ = IntervalSchedule.objects.get_or_create(every=45, period="seconds")
    job.save()
    PeriodicTask.objects.filter(name="rpa-pull-delivery-reports").delete()

    restarted = scheduler()

    assert restarted.schedule["rpa-sweep-outbox"].schedule.run_every.total_seconds() == 45
    assert PeriodicTask.objects.filter(name="rpa-pull-delivery-reports").exists()
    assert "rpa-pull-delivery-reports" in restarted.schedule


@running_beat
def test_a_job_switched_off_in_the_admin_is_not_scheduled():
    scheduler()
    PeriodicTask.objects.filter(name="rpa-sweep-pending-reports").update(enabled=False)
    schedule = scheduler().schedule
    assert "rpa-sweep-pending-reports" not in schedule and "rpa-sweep-outbox" in schedule


def test_the_projects_beat_uses_the_database_and_the_fault_tests_beat_its_own_entries():
    assert app.conf.beat_scheduler == "config.beat:DefaultsDatabaseScheduler"
    import tests.faults.beat_app as beat_app

    try:
        assert beat_app.app.conf.beat_scheduler == "celery.beat:PersistentScheduler"
        assert set(beat_app.app.conf.beat_schedule) == set(beat_app.ENTRIES)
    finally:
        beat_app.app.conf.beat_scheduler = settings.CELERY_BEAT_SCHEDULER
        beat_app.app.conf.beat_schedule = settings.CELERY_BEAT_SCHEDULE
