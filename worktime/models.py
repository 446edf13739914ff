"""Flexible-work arrangements, the policies they follow, office holidays and building closures."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import policies
from .statuses import ACTIVE_STATUSES, Status


class Kind(models.TextChoices):
    STAGGERED = policies.Kind.STAGGERED, _("Staggered hours")
    CHOSEN_HOURS = policies.Kind.CHOSEN_HOURS, _("Chosen daily hours")
    COMPRESSED = policies.Kind.COMPRESSED, _("Compressed week")
    DISCRETIONARY = policies.Kind.DISCRETIONARY, _("Discretionary work")
    REMOTE_HOME = policies.Kind.REMOTE_HOME, _("Remote work from home")
    SMART_WORK = policies.Kind.SMART_WORK, _("Smart-work center")


class WorkPolicy(models.Model):
    """The rules of one arrangement kind; admins edit them, defaults in docs/product-rules.md."""

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, unique=True)
    is_enabled = models.BooleanField(_("open for requests"), default=True)
    earliest_start = models.TimeField(_("earliest start"), null=True, blank=True)
    latest_start = models.TimeField(_("latest start"), null=True, blank=True)
    start_step_minutes = models.PositiveSmallIntegerField(_("start step (minutes)"), default=30)
    latest_end = models.TimeField(_("latest end"), null=True, blank=True)
    min_daily_hours = models.DecimalField(
        _("minimum hours a day"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    max_daily_hours = models.DecimalField(
        _("maximum hours a day"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    weekly_hours = models.DecimalField(
        _("hours a week"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    core_start = models.TimeField(_("core hours from"), null=True, blank=True)
    core_end = models.TimeField(_("core hours until"), null=True, blank=True)
    lunch_start = models.TimeField(_("lunch from"), null=True, blank=True)
    lunch_end = models.TimeField(_("lunch until"), null=True, blank=True)
    min_days_ahead = models.PositiveSmallIntegerField(_("apply at least (days ahead)"), default=1)
    max_days_ahead = models.PositiveSmallIntegerField(
        _("apply at most (days ahead)"), null=True, blank=True
    )
    max_period_days = models.PositiveSmallIntegerField(
        _("longest period (days)"), null=True, blank=True
    )
    monthly_day_limit = models.PositiveSmallIntegerField(
        _("days allowed a month"), null=True, blank=True
    )
    emergency_allowed = models.BooleanField(_("emergency requests allowed"), default=True)
    cancel_needs_approval = models.BooleanField(_("cancelling needs approval"), default=False)

    class Meta:
        ordering = ["kind"]
        verbose_name = _("work policy")
        verbose_name_plural = _("work policies")
        constraints = [
            models.CheckConstraint(
                condition=Q(earliest_start__isnull=True)
                | Q(latest_start__isnull=True)
                | Q(earliest_start__lte=models.F("latest_start")),
                name="workpolicy_start_window_ordered",
            ),
            models.CheckConstraint(
                condition=Q(min_daily_hours__isnull=True)
                | Q(max_daily_hours__isnull=True)
                | Q(min_daily_hours__lte=models.F("max_daily_hours")),
                name="workpolicy_daily_hours_ordered",
            ),
            models.CheckConstraint(
                condition=Q(start_step_minutes__gte=1), name="workpolicy_step_positive"
            ),
        ]

    def __str__(self) -> str:
        return str(self.get_kind_display())

    def as_rules(self) -> policies.Policy:
        return policies.Policy(
            kind=self.kind,
            earliest_start=self.earliest_start,
            latest_start=self.latest_start,
            start_step_minutes=self.start_step_minutes,
            latest_end=self.latest_end,
            min_daily_hours=self.min_daily_hours,
            max_daily_hours=self.max_daily_hours,
            weekly_hours=self.weekly_hours,
            core_start=self.core_start,
            core_end=self.core_end,
            lunch_start=self.lunch_start,
            lunch_end=self.lunch_end,
            min_days_ahead=self.min_days_ahead,
            max_days_ahead=self.max_days_ahead,
            max_period_days=self.max_period_days,
            monthly_day_limit=self.monthly_day_limit,
            emergency_allowed=self.emergency_allowed,
        )


class OfficeHoliday(models.Model):
    """A day the office itself closes (e.g. its founding day); public holidays come from a library."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["date"]
        verbose_name = _("office holiday")
        verbose_name_plural = _("office holidays")

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class Arrangement(models.Model):
    """A request for flexible work over a day, a period or a weekly pattern; follows its approval."""

    class CancelStatus(models.TextChoices):
        NONE = "", _("Not requested")
        PENDING = "pending", _("Cancellation pending")
        RETURNED = "returned", _("Cancellation returned")
        WITHDRAWN = "withdrawn", _("Cancellation withdrawn")
        APPROVED = "approved", _("Cancellation approved")

    class Origin(models.TextChoices):
        REQUEST = "request", _("Request")
        CLOSURE = "closure", _("Building closure")

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant"),
        on_delete=models.PROTECT,
        related_name="arrangements",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    weekdays = models.JSONField(
        _("weekdays"),
        default=list,
        blank=True,
        help_text=_("0 = Monday … 4 = Friday; empty = every working day."),
    )
    start_time = models.TimeField(_("start time"), null=True, blank=True)
    hours = models.DecimalField(
        _("hours a day"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    daily_hours = models.JSONField(_("hours per weekday"), default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    is_emergency = models.BooleanField(_("emergency"), default=False)
    emergency_reason = models.TextField(_("why it is an emergency"), blank=True)
    center = models.ForeignKey(
        "smartcenters.Center",
        verbose_name=_("center"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    seat = models.ForeignKey(
        "smartcenters.Seat",
        verbose_name=_("seat"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    slot = models.CharField(_("slot"), max_length=4, default="full")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    origin = models.CharField(
        _("origin"), max_length=10, choices=Origin.choices, default=Origin.REQUEST
    )
    approval = models.OneToOneField(
        "approvals.Document",
        verbose_name=_("approval document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="worktime_arrangement",
    )
    cancel_approval = models.OneToOneField(
        "approvals.Document",
        verbose_name=_("cancellation document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="worktime_cancelled_arrangement",
    )
    cancel_status = models.CharField(
        _("cancellation"), max_length=10, choices=CancelStatus.choices, default="", blank=True
    )
    cancel_reason = models.TextField(_("why it is cancelled"), blank=True)
    client = models.CharField(_("client"), max_length=20, default="web")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-start_date", "-pk"]
        verbose_name = _("arrangement")
        verbose_name_plural = _("arrangements")
        permissions = [("export_arrangement", _("Can export arrangements and see statistics"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="arrangement_period_ordered",
            ),
            models.CheckConstraint(
                condition=~Q(kind=policies.Kind.SMART_WORK) | Q(center__isnull=False),
                name="arrangement_smart_work_has_center",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(approval__isnull=False),
                name="arrangement_submitted_has_document",
            ),
        ]
        indexes = [models.Index(fields=["applicant", "status"], name="arrangement_applicant")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.start_date}–{self.end_date}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def can_withdraw(self) -> bool:
        return self.status == Status.PENDING and self.approval_id is not None

    def get_revise_url(self) -> str | None:
        """Where a returned request is corrected (the approvals page links here)."""
        if self.status != Status.RETURNED:
            return None
        return reverse("worktime:request_revise", args=[self.pk])

    def can_cancel_on(self, today) -> bool:
        """An approved arrangement can be cancelled until its first day begins."""
        return (
            self.status == Status.APPROVED
            and self.start_date > today
            and self.cancel_status != self.CancelStatus.PENDING
        )


class ArrangementDay(models.Model):
    """One working day an arrangement covers: the unit of overlap checks, the board and seats."""

    arrangement = models.ForeignKey(Arrangement, on_delete=models.CASCADE, related_name="days")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="arrangement_days"
    )
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("start"), null=True, blank=True)
    end_time = models.TimeField(_("end"), null=True, blank=True)
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1)
    # Mirrors the arrangement's status (pending or approved); kept on the row so the database
    # itself refuses a second active arrangement for a person on one day.
    is_active = models.BooleanField(default=True)
    booking = models.ForeignKey(
        "smartcenters.Booking",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["date"]
        verbose_name = _("arrangement day")
        verbose_name_plural = _("arrangement days")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "date"],
                condition=Q(is_active=True),
                name="arrangementday_one_active_per_person_and_day",
            ),
            models.UniqueConstraint(
                fields=["arrangement", "date"], name="arrangementday_unique_in_arrangement"
            ),
        ]
        indexes = [models.Index(fields=["date", "user"], name="arrangementday_board")]

    def __str__(self) -> str:
        return f"{self.user} {self.date}"


class CalendarFeed(models.Model):
    """A person's secret iCal address; resetting it makes the old address stop working."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="worktime_feed"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return str(self.user)

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)


class Closure(models.Model):
    """A building or floor closed for a period (e.g. after a confirmed case), and its relocation."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        CONFIRMED = "confirmed", _("Confirmed")

    building = models.CharField(_("building"), max_length=100)
    floor = models.SmallIntegerField(
        _("floor"), null=True, blank=True, help_text=_("Empty closes the whole building.")
    )
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=10, choices=State.choices, default=State.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    close_contacts = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("close contacts"),
        blank=True,
        related_name="+",
        help_text=_("They work from home; everyone else is offered a seat at a center."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        ordering = ["-start_date", "-pk"]
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="closure_period_ordered"
            )
        ]

    def __str__(self) -> str:
        where = self.building if self.floor is None else f"{self.building} {self.floor}F"
        return f"{where} {self.start_date}–{self.end_date}"


class ClosurePlacement(models.Model):
    """Where one affected person works on one day of a closure: a center seat or home."""

    class Mode(models.TextChoices):
        CENTER = "center", _("Smart-work center")
        HOME = "home", _("Remote work from home")

    closure = models.ForeignKey(Closure, on_delete=models.CASCADE, related_name="placements")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="closure_placements"
    )
    date = models.DateField(_("date"))
    is_close_contact = models.BooleanField(_("close contact"), default=False)
    mode = models.CharField(_("where"), max_length=10, choices=Mode.choices)
    center = models.ForeignKey(
        "smartcenters.Center", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    seat = models.ForeignKey(
        "smartcenters.Seat", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    booking = models.ForeignKey(
        "smartcenters.Booking", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    arrangement = models.ForeignKey(
        Arrangement, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        ordering = ["date", "person__full_name"]
        verbose_name = _("closure placement")
        verbose_name_plural = _("closure placements")
        constraints = [
            # Re-running or extending a closure never places a person twice on a day.
            models.UniqueConstraint(
                fields=["closure", "person", "date"], name="closureplacement_once_per_day"
            ),
            models.CheckConstraint(
                condition=Q(mode="home") | Q(center__isnull=False),
                name="closureplacement_center_named",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.date} {self.mode}"


# 근무상황 (leave, trips, training) live in their own module; imported here so Django sees them.
from .away.models import AwayKind, AwayRecord, TripDestination  # noqa: E402, F401
