"""The life of a request, shared by arrangements and 근무상황 records: one set of statuses."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    CANCELLED = "cancelled", _("Cancelled")


# A pending or approved request occupies its days (a pending trip is still planned).
ACTIVE_STATUSES = (Status.PENDING, Status.APPROVED)

# A 근무상황 record is never a draft: it is asked for as it is written. The same values and
# labels otherwise, so the board, the feed and the API read both kinds of request alike.
RecordStatus = models.TextChoices(
    "RecordStatus",
    [(status.name, (status.value, status.label)) for status in Status if status != Status.DRAFT],
)
