"""Beat's jobs live in the database; the settings' CELERY_BEAT_SCHEDULE only seeds missing ones.

django-celery-beat's own scheduler writes every settings entry over its row each time beat
starts, which would undo a reminder time the health lead moved in the admin at the next
deploy. Here a settings entry creates its row only when no job of that name exists yet: the
admin's edits (times, intervals, a job switched off) stand, and a job added to the settings
later still appears. Edits reach a running beat within its check interval, without a restart.
"""

from django_celery_beat.models import PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler, ModelEntry


def install_missing_jobs(schedule: dict, app=None) -> list[str]:
    """Create a periodic task for each entry of `schedule` whose name has none; returns the names."""
    existing = set(
        PeriodicTask.objects.filter(name__in=list(schedule)).values_list("name", flat=True)
    )
    created = []
    for name, fields in schedule.items():
        if name in existing:
            continue
        ModelEntry.from_entry(name, app=app, **fields)
        created.append(name)
    return created


class DefaultsDatabaseScheduler(DatabaseScheduler):
    """The database scheduler, with the settings' entries as defaults rather than overrides."""

    def setup_schedule(self):
        # Before the first read of the schedule, so that the jobs just created are in it.
        install_missing_jobs(self.app.conf.beat_schedule, app=self.app)
        self.install_default_entries(self.schedule)
