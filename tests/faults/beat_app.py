"""`celery -A tests.faults.beat_app beat`: the project's rpa beat entries on a short interval.

The same tasks as `config.settings.CELERY_BEAT_SCHEDULE` (the outbox sweep and the delivery
reports), every FAULTS_BEAT_INTERVAL seconds instead of 30 s and 15 s, so a fault test sees
the beat recover the outbox without waiting half a minute each time.
"""

import os

from django.conf import settings

from config.celery import app

ENTRIES = ("rpa-sweep-outbox", "rpa-pull-delivery-reports")

app.conf.beat_schedule = {
    name: {
        **settings.CELERY_BEAT_SCHEDULE[name],
        "schedule": float(os.environ.get("FAULTS_BEAT_INTERVAL", "2")),
    }
    for name in ENTRIES
}

__all__ = ["app"]
