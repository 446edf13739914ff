"""Approval documents, their lines (결재선), the append-only history and absences (대결)."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, RangeOperators
from django.db import models
from django.db.models import F, Func, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DocumentType(models.Model):
    """The rules of one kind of document: how far up the line climbs and where 전결 ends it."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100)
    levels = models.PositiveSmallIntegerField(
        _("levels"),
        default=2,
        help_text=_("How many heads up the organisation the line climbs (1 = the team lead)."),
    )
    delegated_max_days = models.PositiveSmallIntegerField(
        _("delegated final approval up to (days)"),
        null=True,
        blank=True,
        help_text=_(
            "Requests spanning at most this many days are closed by the first approver "
            "(전결). Empty: never."
        ),
    )
    allow_extra_reviewers = models.BooleanField(_("applicant may add reviewers"), default=False)
    allow_cooperators = models.BooleanField(_("applicant may add cooperators"), default=False)
    allow_attachments = models.BooleanField(_("attachments allowed"), default=False)
    is_routine = models.BooleanField(
        _("routine"), default=False, help_text=_("Routine documents may be approved in bulk.")
    )
    remind_after_hours = models.PositiveSmallIntegerField(
        _("remind the approver after (working hours)"), default=8
    )
    stuck_after_hours = models.PositiveSmallIntegerField(
        _("tell the applicant it is stuck after (working hours)"), default=24
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("document type")
        verbose_name_plural = _("document types")
        constraints = [
            models.CheckConstraint(condition=Q(levels__gte=1), name="doctype_levels_at_least_one"),
        ]

    def __str__(self) -> str:
        return self.name


class Document(models.Model):
    """An approval document; its content is frozen once submitted, revised only by resubmitting."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    doc_type = models.ForeignKey(
        DocumentType, verbose_name=_("type"), on_delete=models.PROTECT, related_name="documents"
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    # Ordered [label, value] pairs: what the approver needs to decide, shown as they are.
    facts = models.JSONField(_("facts"), default=list, blank=True)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant"),
        on_delete=models.PROTECT,
        related_name="approval_documents",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    span_days = models.PositiveSmallIntegerField(_("days covered"), default=1)
    subject_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("approval document")
        verbose_name_plural = _("approval documents")
        indexes = [
            models.Index(fields=["applicant", "-created_at"], name="document_by_applicant"),
            models.Index(fields=["subject_type", "subject_id"], name="document_by_subject"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(round__gte=1), name="document_round_positive"),
            models.CheckConstraint(condition=Q(span_days__gte=1), name="document_span_positive"),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "pending"]) | Q(decided_at__isnull=False),
                name="document_decided_has_time",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False),
                name="document_submitted_has_time",
            ),
            # A double tap on "submit" cannot open two pending documents for the same request.
            models.UniqueConstraint(
                fields=["doc_type", "subject_type", "subject_id"],
                condition=Q(status="pending", subject_id__isnull=False),
                name="document_one_pending_per_subject",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.PENDING

    def summary(self) -> str:
        """The one-line summary shown in the inbox: the facts' values, else the title."""
        values = [str(pair[1]) for pair in self.facts or [] if len(pair) == 2 and pair[1]]
        return " · ".join(values[:4]) if values else self.title


class ApprovalStep(models.Model):
    """One person's place in a round of a document's line."""

    class Kind(models.TextChoices):
        REVIEW = "review", _("Review (검토)")
        COOPERATE = "cooperate", _("Cooperation (협조)")
        FINAL = "final", _("Final approval (결재)")

    class Status(models.TextChoices):
        WAITING = "waiting", _("Not yet")
        PENDING = "pending", _("Waiting for decision")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned")
        SKIPPED = "skipped", _("Not needed")

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="steps")
    round = models.PositiveSmallIntegerField(_("round"))
    # Steps with the same order run in parallel (cooperation); a higher order waits for them.
    order = models.PositiveSmallIntegerField(_("order"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approver"),
        on_delete=models.PROTECT,
        related_name="approval_steps",
    )
    # 대결: the absent approver this step is decided for.
    acting_for = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acting for"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # 전결: a final step that closes the line below the usual level.
    delegated_final = models.BooleanField(_("delegated final approval"), default=False)
    added_by_applicant = models.BooleanField(_("added by the applicant"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.WAITING
    )
    activated_at = models.DateTimeField(_("waiting since"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        ordering = ["document", "round", "order", "pk"]
        verbose_name = _("approval step")
        verbose_name_plural = _("approval steps")
        indexes = [
            models.Index(
                fields=["approver"], name="step_pending_by_approver", condition=Q(status="pending")
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "round", "order", "approver"], name="step_unique_place"
            ),
            models.UniqueConstraint(
                fields=["document", "round"],
                condition=Q(kind="final"),
                name="step_one_final_per_round",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["approved", "returned"], decided_at__isnull=False)
                | Q(status__in=["waiting", "pending", "skipped"]),
                name="step_decided_has_time",
            ),
            models.CheckConstraint(
                condition=Q(status="waiting") | Q(activated_at__isnull=False) | Q(status="skipped"),
                name="step_active_has_time",
            ),
            models.CheckConstraint(
                condition=Q(acting_for__isnull=True) | ~Q(acting_for=F("approver")),
                name="step_not_acting_for_self",
            ),
            models.CheckConstraint(
                condition=Q(delegated_final=False) | Q(kind="final"),
                name="step_delegated_only_final",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document_id}/{self.round}/{self.order} {self.approver}"


class Action(models.Model):
    """One entry of a document's history: append-only (a database trigger refuses changes)."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        RESUBMITTED = "resubmitted", _("Resubmitted")
        APPROVED_BY_ORDER = "approved_by_order", _("Approved by order")

    class Capacity(models.TextChoices):
        APPLICANT = "applicant", _("Applicant")
        REVIEWER = "review", _("Reviewer")
        COOPERATOR = "cooperate", _("Cooperator")
        FINAL = "final", _("Final approver")
        DELEGATED_FINAL = "delegated_final", _("Delegated final approver (전결)")
        ORDER = "order", _("By order")

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="actions")
    round = models.PositiveSmallIntegerField(_("round"))
    step = models.ForeignKey(
        ApprovalStep, null=True, blank=True, on_delete=models.PROTECT, related_name="actions"
    )
    kind = models.CharField(_("action"), max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        related_name="approval_actions",
    )
    acting_for = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acting for"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    capacity = models.CharField(_("capacity"), max_length=20, choices=Capacity.choices)
    comment = models.TextField(_("comment or reason"), blank=True)
    client = models.CharField(_("client"), max_length=120, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        constraints = [
            # Whatever happens above, a step is decided once.
            models.UniqueConstraint(
                fields=["step"],
                condition=Q(kind__in=["approved", "returned"]),
                name="action_one_decision_per_step",
            ),
            models.UniqueConstraint(
                fields=["document", "round"],
                condition=Q(kind="withdrawn"),
                name="action_one_withdrawal_per_round",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.actor}"


def attachment_path(instance, filename: str) -> str:
    return f"approvals/{timezone.now():%Y/%m}/{filename}"


class Attachment(models.Model):
    """A file attached to a free-form document or a visit report; served only to its readers."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size"), default=0)
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name


class DateRange(Func):
    function = "daterange"
    output_field = DateRangeField()


class Absence(models.Model):
    """An approver away for a date range; their items route to the substitute (대결)."""

    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("absent approver"),
        on_delete=models.CASCADE,
        related_name="absences",
    )
    substitute = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("substitute"),
        on_delete=models.PROTECT,
        related_name="substitutions",
    )
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="absence_dates_in_order"
            ),
            models.CheckConstraint(
                condition=~Q(substitute=F("approver")), name="absence_not_own_substitute"
            ),
            # One substitute at a time: an approver's absences never overlap.
            ExclusionConstraint(
                name="absence_no_overlap",
                expressions=[
                    (
                        DateRange("start_date", "end_date", models.Value("[]")),
                        RangeOperators.OVERLAPS,
                    ),
                    ("approver", RangeOperators.EQUAL),
                ],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.approver} → {self.substitute} ({self.start_date}–{self.end_date})"


class SentNotice(models.Model):
    """What has been told to whom about a document, so nothing is told twice."""

    class Kind(models.TextChoices):
        WAITING = "waiting", _("Waiting for you")
        OUTCOME = "outcome", _("Outcome")
        REMINDER = "reminder", _("Reminder")
        STUCK = "stuck", _("Stuck")

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="notices")
    round = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    step = models.ForeignKey(
        ApprovalStep, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("notice sent")
        verbose_name_plural = _("notices sent")
        constraints = [
            models.UniqueConstraint(
                fields=["document", "round", "kind", "recipient", "step"],
                name="notice_once",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient}"


class WaitingReport(ApprovalStep):
    """Admin-only view of waiting times by department (no table of its own)."""

    class Meta:
        proxy = True
        verbose_name = _("waiting-time report")
        verbose_name_plural = _("waiting-time report")
