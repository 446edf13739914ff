"""What a person records when they are away from work: the kinds (admin-editable), the records,
and the places staff travel to (so a trip can offer the smart-work centers near it)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ..statuses import ACTIVE_STATUSES, RecordStatus

# Records that take a person away: the board, the feed and the closure planner read these.
COUNTING_STATUSES = ACTIVE_STATUSES


class AwayKind(models.Model):
    """A kind of 근무상황 (연가, 병가, 공가, 출장, 교육, 외출, 조퇴); admins add, rename or retire them."""

    class Category(models.TextChoices):
        # Where the board puts the person: on leave, travelling, or in training.
        LEAVE = "leave", _("Leave")
        TRIP = "trip", _("Business trip")
        TRAINING = "training", _("Training")

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name (Korean)"), max_length=40)
    name_en = models.CharField(_("name (English)"), max_length=60, blank=True)
    category = models.CharField(_("category"), max_length=10, choices=Category.choices)
    needs_approval = models.BooleanField(
        _("needs approval"),
        default=False,
        help_text=_("Records of this kind go through the approval line before they count."),
    )
    part_of_day = models.BooleanField(
        _("part of a day"),
        default=False,
        help_text=_("Recorded with a start and an end time on one day (외출, 조퇴)."),
    )
    is_active = models.BooleanField(_("offered"), default=True)
    ordering = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["ordering", "pk"]
        verbose_name = _("away kind")
        verbose_name_plural = _("away kinds")

    def __str__(self) -> str:
        language = get_language() or "ko"
        if not language.startswith("ko") and self.name_en:
            return self.name_en
        return self.name


class TripDestination(models.Model):
    """A place staff travel to on business (a dong office, a site), with where it is."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    is_active = models.BooleanField(_("offered"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("trip destination")
        verbose_name_plural = _("trip destinations")

    def __str__(self) -> str:
        return self.name


class AwayRecord(models.Model):
    """One person away for a day, a range of days, or part of one day."""

    Status = RecordStatus

    class Origin(models.TextChoices):
        PERSON = "person", _("Recorded by the person")
        PERSONNEL = "personnel", _("Imported from the personnel system")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="away_records",
    )
    kind = models.ForeignKey(
        AwayKind, verbose_name=_("kind"), on_delete=models.PROTECT, related_name="records"
    )
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    start_time = models.TimeField(_("from"), null=True, blank=True)
    end_time = models.TimeField(_("until"), null=True, blank=True)
    destination = models.ForeignKey(
        TripDestination,
        verbose_name=_("destination"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    place = models.CharField(_("where"), max_length=200, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    origin = models.CharField(
        _("origin"), max_length=10, choices=Origin.choices, default=Origin.PERSON
    )
    approval = models.OneToOneField(
        "approvals.Document",
        verbose_name=_("approval document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="worktime_away",
    )
    # The personnel system's own key of an imported row, so importing a file twice adds nothing.
    source_key = models.CharField(_("personnel system key"), max_length=120, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-start_date", "-pk"]
        verbose_name = _("away record")
        verbose_name_plural = _("away records")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="away_period_ordered"
            ),
            # Part of a day: one day, both times, in order. A whole day: no times at all.
            models.CheckConstraint(
                condition=Q(start_time__isnull=True, end_time__isnull=True)
                | Q(
                    start_time__isnull=False,
                    end_time__isnull=False,
                    start_time__lt=models.F("end_time"),
                    start_date=models.F("end_date"),
                ),
                name="away_times_on_one_day",
            ),
            models.UniqueConstraint(
                fields=["source_key"],
                condition=~Q(source_key=""),
                name="away_imported_once",
            ),
        ]
        indexes = [models.Index(fields=["person", "start_date", "end_date"], name="away_person")]

    def __str__(self) -> str:
        return f"{self.kind} {self.start_date}–{self.end_date}"

    @property
    def is_part_of_day(self) -> bool:
        return self.start_time is not None

    @property
    def counts(self) -> bool:
        """Pending and approved records take the person away (a pending trip is still planned)."""
        return self.status in COUNTING_STATUSES

    @property
    def can_withdraw(self) -> bool:
        return self.status == self.Status.PENDING and self.approval_id is not None

    def can_cancel_on(self, today) -> bool:
        return self.status == self.Status.APPROVED and self.end_date >= today
