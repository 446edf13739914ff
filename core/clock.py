"""The one place the portal reads the clock.

Services and selectors take `now` or `today` as keyword arguments and fall back to these, so a
test passes the moment it means instead of depending on the day it runs.
"""

import datetime as dt

from django.utils import timezone


def now() -> dt.datetime:
    """The current moment, aware (UTC)."""
    return timezone.now()


def local_now(moment: dt.datetime | None = None) -> dt.datetime:
    """A moment (now by default) in the office's time zone."""
    return timezone.localtime(moment or now())


def today(moment: dt.datetime | None = None) -> dt.date:
    """The office's date at a moment (now by default)."""
    return local_now(moment).date()
