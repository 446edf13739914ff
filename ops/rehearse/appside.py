"""What the rehearsal asks of the application itself, run as the app user with its settings.

    python ops/rehearse/appside.py sessions COUNT   signed-in sessions of staff, one key a line
    python ops/rehearse/appside.py purge-after DAYS  the retention purge as it will run DAYS later

The morning peak measures pages, not sign-ins: people signed in when they sat down, so their
sessions are made the way a sign-in makes them (Django's login) instead of hashing a password
for each of hundreds of people before the clock starts.
"""

import datetime
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path.cwd()))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from accounts.roles import OTP_REQUIRED_ROLES, STAFF  # noqa: E402
from rpa.services import purge_expired  # noqa: E402


def sessions(count: int) -> None:
    """COUNT sessions over the staff, in turn: more sessions than people are second devices."""
    people = list(
        User.objects.filter(groups__name=STAFF, is_active=True)
        .exclude(groups__name__in=OTP_REQUIRED_ROLES)
        .order_by("username")
        .distinct()
    )
    if not people:
        raise SystemExit("No staff to sign in: run `manage.py seed_demo` first.")
    for index in range(count):
        client = Client()
        client.force_login(people[index % len(people)])
        print(client.cookies[settings.SESSION_COOKIE_NAME].value)


def purge_after(days: int) -> None:
    purged = purge_expired(today=timezone.localdate() + datetime.timedelta(days=days))
    print(purged)


if __name__ == "__main__":
    command, number = sys.argv[1], int(sys.argv[2])
    {"sessions": sessions, "purge-after": purge_after}[command](number)
