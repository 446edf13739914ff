"""`celery -A tests.faults.beat_app beat`: the project's rpa beat entries on a short interval.

The same tasks as `config.settings.CELERY_BEAT_SCHEDULE` (the outbox sweep and the delivery
reports), every FAULTS_BEAT_INTERVAL seconds instead of 30 s and 15 s, so a fault test sees
the beat recover the outbox without waiting half a minute each time.
"""

import os

from django.conf import settings

from config.celery import app

ENTRIES = ("rpa-sweep-outbox", "rpa-pull-delivery-reports")

# The short-interval entries themselves, not the database's jobs (config.beat) that the
# project's beat reads: a test's beat must not depend on rows a transactional test flushed.
app.conf.beat_scheduler = "celery.beat:PersistentScheduler"
app.conf.beat_schedule = {
    name: {
        **settings.CELERY_BEAT_SCHEDULE[name],
        "schedule": float(os.environ.get("FAULTS_BEAT_INTERVAL", "2")),
    }
    for name in ENTRIES
}

__all__ = ["app"]
