"""Centers, seats, closures, booking rules, bookings and the waitlist of the smart-work centers."""

import secrets

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import IntegerRangeField, RangeOperators
from django.db import models
from django.db.models.expressions import RawSQL
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from . import rules

# The booking rules are one row, always this one.
BOOKING_RULES_PK = 1


def new_checkin_token() -> str:
    return secrets.token_urlsafe(18)


class Center(models.Model):
    """A smart-work center (스마트워크센터) in a library, the health center or a dong center."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=30)
    address = models.CharField(_("address"), max_length=200)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    opens_at = models.TimeField(_("opens at"), default=rules.DAY_OPENS)
    midday_at = models.TimeField(
        _("afternoon starts at"),
        default=rules.MIDDAY,
        help_text=_("Where the morning's half-day ends and the afternoon's begins."),
    )
    closes_at = models.TimeField(_("closes at"), default=rules.DAY_CLOSES)
    opens_on_weekends = models.BooleanField(_("open on weekends"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    needs_approval = models.BooleanField(
        _("needs approval"),
        default=False,
        help_text=_("Bookings stay held until an administrator confirms them."),
    )
    floor_plan_width = models.PositiveSmallIntegerField(_("floor plan width"), default=100)
    floor_plan_height = models.PositiveSmallIntegerField(_("floor plan height"), default=60)

    class Meta:
        ordering = ["name"]
        verbose_name = _("center")
        verbose_name_plural = _("centers")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opens_at__lt=models.F("midday_at"))
                & models.Q(midday_at__lt=models.F("closes_at")),
                name="center_hours_in_order",
                violation_error_message=_(
                    "The center must open before the afternoon starts, and close after it."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def hours(self) -> rules.Hours:
        return rules.Hours(opens=self.opens_at, midday=self.midday_at, closes=self.closes_at)


class CenterClosure(models.Model):
    """Days a center is closed (renovation, a holiday of the host building)."""

    center = models.ForeignKey(
        Center, on_delete=models.CASCADE, related_name="closures", verbose_name=_("center")
    )
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    reason = models.CharField(_("reason"), max_length=200)

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("center closure")
        verbose_name_plural = _("center closures")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="centerclosure_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.center.short_name} {self.starts_on}–{self.ends_on}"


class Seat(models.Model):
    """A desk at a center, placed on the center's floor plan, with a QR code for check-in."""

    center = models.ForeignKey(
        Center, on_delete=models.CASCADE, related_name="seats", verbose_name=_("center")
    )
    label = models.CharField(_("label"), max_length=20)
    has_monitor = models.BooleanField(_("monitor"), default=True)
    has_desktop = models.BooleanField(_("desktop PC"), default=False)
    has_phone = models.BooleanField(_("phone"), default=False)
    is_quiet = models.BooleanField(_("quiet zone"), default=False)
    x = models.PositiveSmallIntegerField(_("x on the floor plan"), default=0)
    y = models.PositiveSmallIntegerField(_("y on the floor plan"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    # What the seat's QR code carries: guessing it must be hopeless, so it is random.
    checkin_token = models.CharField(
        _("check-in token"), max_length=40, unique=True, default=new_checkin_token, editable=False
    )

    class Meta:
        ordering = ["center", "label"]
        verbose_name = _("seat")
        verbose_name_plural = _("seats")
        constraints = [
            models.UniqueConstraint(fields=["center", "label"], name="seat_unique_label_in_center")
        ]

    def __str__(self) -> str:
        return f"{self.center.short_name} {self.label}"


class BookingRules(models.Model):
    """The booking rules admins may change; exactly one row (`BOOKING_RULES_PK`)."""

    days_ahead = models.PositiveSmallIntegerField(
        _("days ahead bookings open"), default=rules.DEFAULT_DAYS_AHEAD
    )
    max_active_bookings = models.PositiveSmallIntegerField(
        _("active bookings a person may hold"), default=rules.DEFAULT_MAX_ACTIVE_BOOKINGS
    )
    cancel_deadline_minutes = models.PositiveIntegerField(
        _("cancel up to (minutes before the slot starts)"),
        default=rules.DEFAULT_CANCEL_DEADLINE_MINUTES,
    )
    checkin_deadline_minutes = models.PositiveIntegerField(
        _("check in within (minutes after the slot starts)"),
        default=rules.DEFAULT_CHECKIN_DEADLINE_MINUTES,
    )

    class Meta:
        verbose_name = _("booking rules")
        verbose_name_plural = _("booking rules")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pk=BOOKING_RULES_PK), name="bookingrules_single_row"
            )
        ]

    def __str__(self) -> str:
        return str(_("Booking rules"))

    def save(self, *args, **kwargs):
        self.pk = BOOKING_RULES_PK
        super().save(*args, **kwargs)

    @classmethod
    def load(cls) -> "BookingRules":
        return cls.objects.get_or_create(pk=BOOKING_RULES_PK)[0]


class Slot(models.TextChoices):
    AM = rules.AM, _("Morning (09:00–13:00)")
    PM = rules.PM, _("Afternoon (13:00–18:00)")
    FULL = rules.FULL, _("Whole day (09:00–18:00)")


# The slots' plain names; their times are each center's (`Booking.times_label`).
SLOT_NAMES = {rules.AM: _("Morning"), rules.PM: _("Afternoon"), rules.FULL: _("Whole day")}


class Booking(models.Model):
    """A seat held by a person for a half-day or a day."""

    class Status(models.TextChoices):
        HELD = "held", _("Held (awaiting approval)")
        CONFIRMED = "confirmed", _("Confirmed")
        CHECKED_IN = "checked_in", _("Checked in")
        CANCELLED = "cancelled", _("Cancelled")
        RELEASED = "released", _("Released")
        COMPLETED = "completed", _("Completed")

    class Origin(models.TextChoices):
        SELF = "self", _("Booked by the person")
        ARRANGEMENT = "arrangement", _("Smart-work arrangement")
        CLOSURE = "closure", _("Office closure")

    # Statuses that hold the seat: only these take part in the no-double-booking constraints.
    ACTIVE_STATUSES = (Status.HELD, Status.CONFIRMED, Status.CHECKED_IN)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="seat_bookings",
        verbose_name=_("person"),
    )
    seat = models.ForeignKey(
        Seat, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("seat")
    )
    date = models.DateField(_("date"))
    slot = models.CharField(_("slot"), max_length=4, choices=Slot.choices)
    # Half-days as integers: the day's ordinal × 2 (+0 morning, +1 afternoon); a whole day
    # covers both. PostgreSQL computes it, so no code path can store an inconsistent range.
    halfdays = models.GeneratedField(
        expression=RawSQL(rules.HALFDAYS_SQL, []),  # noqa: S611  a constant, no parameters
        output_field=IntegerRangeField(),
        db_persist=True,
        verbose_name=_("half-days"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.CONFIRMED
    )
    origin = models.CharField(
        _("origin"), max_length=12, choices=Origin.choices, default=Origin.SELF
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    released_at = models.DateTimeField(_("released"), null=True, blank=True)
    end_reason = models.CharField(_("reason"), max_length=200, blank=True)
    is_no_show = models.BooleanField(_("no-show"), default=False)

    class Meta:
        ordering = ["date", "slot", "seat"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        indexes = [
            models.Index(fields=["date", "status"], name="booking_date_status"),
            models.Index(fields=["user", "date"], name="booking_user_date"),
        ]
        constraints = [
            # No seat is held twice for overlapping half-days.
            ExclusionConstraint(
                name="booking_no_double_seat",
                expressions=[("seat", RangeOperators.EQUAL), ("halfdays", RangeOperators.OVERLAPS)],
                condition=models.Q(status__in=["held", "confirmed", "checked_in"]),
            ),
            # Nobody holds two seats at overlapping times.
            ExclusionConstraint(
                name="booking_no_double_person",
                expressions=[("user", RangeOperators.EQUAL), ("halfdays", RangeOperators.OVERLAPS)],
                condition=models.Q(status__in=["held", "confirmed", "checked_in"]),
            ),
            models.CheckConstraint(
                condition=~models.Q(status="checked_in") | models.Q(checked_in_at__isnull=False),
                name="booking_checked_in_has_time",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="cancelled") | models.Q(cancelled_at__isnull=False),
                name="booking_cancelled_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.seat} {self.date} {self.get_slot_display()}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES

    @property
    def starts_at(self):
        return rules.slot_start(self.date, self.slot, self.seat.center.hours)

    @property
    def ends_at(self):
        return rules.slot_end(self.date, self.slot, self.seat.center.hours)

    @property
    def times_label(self) -> str:
        """The slot with the center's times, e.g. "Morning 10:00–13:00"."""
        starts, ends = self.seat.center.hours.slot_times(self.slot)
        return f"{SLOT_NAMES[self.slot]} {starts:%H:%M}–{ends:%H:%M}"

    @property
    def words(self) -> dict[str, str]:
        """The seat, the day and the slot with its times, as sentences about a booking say them."""
        return {
            "seat": str(self.seat),
            "day": date_format(self.date, "SHORT_DATE_FORMAT"),
            "slot": self.times_label,
        }


class WaitlistEntry(models.Model):
    """A person waiting for any seat at a center on a day and slot; first come, first served."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="seat_waitlist_entries",
        verbose_name=_("person"),
    )
    center = models.ForeignKey(
        Center, on_delete=models.CASCADE, related_name="waitlist", verbose_name=_("center")
    )
    date = models.DateField(_("date"))
    slot = models.CharField(_("slot"), max_length=4, choices=Slot.choices)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    fulfilled_booking = models.OneToOneField(
        Booking,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="waitlist_entry",
        verbose_name=_("booking given"),
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("waitlist entry")
        verbose_name_plural = _("waitlist entries")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "center", "date", "slot"],
                condition=models.Q(fulfilled_booking__isnull=True),
                name="waitlist_one_open_entry",
            )
        ]
        indexes = [models.Index(fields=["center", "date"], name="waitlist_center_date")]

    def __str__(self) -> str:
        return f"{self.user} · {self.center.short_name} {self.date} {self.slot}"

    @property
    def is_waiting(self) -> bool:
        return self.fulfilled_booking_id is None
