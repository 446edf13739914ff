"""How the services tell a holder about their booking, and word its moments."""

from datetime import datetime

from django.urls import reverse
from django.utils import formats

from accounts.notifications import notify
from core import clock


def tell_holder(person, *, title: str, body: str) -> None:
    """A notification linking to the person's bookings."""
    notify(recipient=person, title=title, body=body, url=reverse("smartcenters:mine"))


def say_when(moment: datetime) -> str:
    """A moment as the refusals name it (a deadline, a check-in window), in the office's time."""
    return formats.date_format(clock.local_now(moment), "SHORT_DATETIME_FORMAT")
