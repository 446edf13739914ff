"""Case sheets, their residents, message templates, the SMS outbox and the access record."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from . import rules


def private_storage() -> FileSystemStorage:
    """Uploaded sheets live outside MEDIA_ROOT and have no URL: only views that log may serve them."""
    return FileSystemStorage(location=settings.RPA_PRIVATE_ROOT, base_url=None)


def upload_path(instance: "Upload", filename: str) -> str:
    # The resident-chosen name never reaches the file system; the hash names the file.
    return f"sheets/{instance.day:%Y/%m/%d}/{instance.sha256}.bin"


class MessageKind(models.TextChoices):
    NEGATIVE = "negative", _("Negative result")
    POSITIVE = "positive", _("Positive result")
    INCONCLUSIVE = "inconclusive", _("Inconclusive result")
    QUARANTINE = "quarantine", _("Self-quarantine")
    REMINDER = "reminder", _("Self-check reminder")


class Upload(models.Model):
    """One case sheet as uploaded (업로드): previewed, then confirmed for sending."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("Previewed")
        CONFIRMED = "confirmed", _("Sending")
        STOPPED = "stopped", _("Stopped")
        DONE = "done", _("Done")

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="rpa_uploads"
    )
    file = models.FileField(storage=private_storage, upload_to=upload_path, blank=True)
    original_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    day = models.DateField(db_index=True)
    sheet = models.CharField(max_length=255, blank=True)
    header_row = models.PositiveIntegerField(default=1)
    header = models.JSONField(default=list, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    # Counts of messages by status, kept when residents are purged.
    final_counts = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PREVIEWED)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    purged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["previewed", "confirmed", "stopped", "done"]),
                name="rpa_upload_status_known",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.original_name}"


class Recipient(models.Model):
    """One data row of a sheet and what the importer concluded about it."""

    class Status(models.TextChoices):
        VALID = "valid", _("Valid")
        REJECTED = "rejected", _("Rejected")
        DUPLICATE = "duplicate", _("Duplicate")

    upload = models.ForeignKey(Upload, on_delete=models.CASCADE, related_name="recipients")
    row = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=Status.choices)
    name = models.CharField(max_length=100, blank=True)
    phone = models.CharField(max_length=20, blank=True)
    birth_date = models.DateField(null=True, blank=True)
    result = models.CharField(max_length=16, blank=True)
    test_date = models.DateField(null=True, blank=True)
    quarantine_start = models.DateField(null=True, blank=True)
    quarantine_end = models.DateField(null=True, blank=True)
    message_kind = models.CharField(max_length=16, choices=MessageKind.choices, blank=True)
    errors = models.JSONField(default=list, blank=True)
    duplicate_of = models.PositiveIntegerField(null=True, blank=True)
    raw = models.JSONField(default=list, blank=True)
    # Same person, phone, date and kind within the day: the key that stops a second text.
    person_key = models.CharField(max_length=200, blank=True)
    already_messaged_by = models.ForeignKey(
        Upload, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["upload", "row"]
        constraints = [
            models.UniqueConstraint(fields=["upload", "row"], name="rpa_recipient_row_once"),
            models.CheckConstraint(
                condition=Q(status__in=["valid", "rejected", "duplicate"]),
                name="rpa_recipient_status_known",
            ),
            models.CheckConstraint(
                condition=~Q(status="valid") | (~Q(phone="") & ~Q(message_kind="")),
                name="rpa_valid_recipient_has_phone_and_kind",
            ),
        ]
        indexes = [
            models.Index(fields=["upload", "status"]),
            models.Index(fields=["person_key"]),
            models.Index(fields=["quarantine_end"]),
        ]

    def __str__(self) -> str:
        return f"{self.upload_id}:{self.row}"


class SenderNumber(models.Model):
    """A caller number registered with the carrier (발신번호 사전등록)."""

    number = models.CharField(max_length=20, unique=True)
    label = models.CharField(max_length=100, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("sender number")
        verbose_name_plural = _("sender numbers")

    def __str__(self) -> str:
        return f"{self.number} {self.label}".strip()


class MessageTemplate(models.Model):
    """The text of one message kind, with placeholders filled per resident."""

    kind = models.CharField(max_length=16, choices=MessageKind.choices, unique=True)
    text = models.TextField(
        help_text=_(
            "Placeholders: {name}, {test_date}, {quarantine_start}, {quarantine_end}, {link}."
        )
    )
    sender = models.ForeignKey(
        SenderNumber, on_delete=models.PROTECT, null=True, blank=True, related_name="templates"
    )
    # The KakaoTalk 알림톡 template approved for this kind, if any: such messages go as 알림톡,
    # and a phone that cannot receive it gets this template's text as SMS/LMS instead.
    alimtalk_template_code = models.CharField(
        max_length=30,
        blank=True,
        help_text=_("Code of the approved KakaoTalk notification template; empty sends SMS."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind"]
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")

    def __str__(self) -> str:
        return self.get_kind_display()

    def save(self, *args, **kwargs) -> None:
        # Refused on every save, not only through forms: a bad template must never reach residents.
        self.clean()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        problem = rules.template_problem(self.text)
        if problem:
            raise ValidationError({"text": problem})

    @property
    def byte_length(self) -> int:
        return rules.euckr_length(rules.render(self.text, rules.SAMPLE_CONTEXT))

    @property
    def channel(self) -> str | None:
        return rules.channel_for(self.byte_length)


class OutboxMessage(models.Model):
    """One text to one resident, from confirmation until the gateway's last word on it."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        UNKNOWN = "unknown", _("Checking")
        # The provider may have taken it, and cannot be asked (SENS names a request only in
        # its answer): a person decides whether to look it up again or send it again.
        UNCERTAIN = "uncertain", _("Sending not confirmed")
        SENT = "sent", _("Sent")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")
        STOPPED = "stopped", _("Stopped")

    class Channel(models.TextChoices):
        SMS = "sms", "SMS"
        LMS = "lms", "LMS"

    class Via(models.TextChoices):
        SMS = "sms", "SMS"
        LMS = "lms", "LMS"
        ALIMTALK = "alimtalk", _("KakaoTalk notification")

    recipient = models.ForeignKey(Recipient, on_delete=models.CASCADE, related_name="messages")
    upload = models.ForeignKey(Upload, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=16, choices=MessageKind.choices)
    # What makes this text once-only: the person's day key, or the reminder run.
    dedupe_key = models.CharField(max_length=255, unique=True)
    client_id = models.UUIDField(default=uuid.uuid4, unique=True)
    to = models.CharField(max_length=20)
    sender = models.CharField(max_length=20, blank=True)
    text = models.TextField()
    channel = models.CharField(max_length=3, choices=Channel.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    gateway_message_id = models.CharField(max_length=64, blank=True)
    # The provider's id of the request that carried it (SENS, NHN Cloud): results are read by it.
    gateway_request_id = models.CharField(max_length=64, blank=True)
    # Set when claimed: the key of the send request (NHN's senderGroupingKey) to look it up by.
    batch_key = models.UUIDField(null=True, blank=True)
    # 알림톡 template code copied at confirmation; empty: an SMS/LMS only.
    alimtalk_template = models.CharField(max_length=30, blank=True)
    # How it reached the phone as far as the provider said: 알림톡, or SMS/LMS (the failover).
    sent_via = models.CharField(max_length=8, choices=Via.choices, blank=True)
    failure_reason = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind"],
                condition=~Q(kind="reminder"),
                name="rpa_one_message_per_recipient_kind",
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "queued",
                        "sending",
                        "unknown",
                        "uncertain",
                        "sent",
                        "delivered",
                        "failed",
                        "stopped",
                    ]
                ),
                name="rpa_outbox_status_known",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["upload", "status"]),
        ]

    def __str__(self) -> str:
        return str(self.client_id)


class GatewayCursor(models.Model):
    """How far the gateway's delivery reports have been read."""

    name = models.CharField(max_length=50, primary_key=True)
    position = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}={self.position}"


class SelfCheck(models.Model):
    """A quarantined resident's daily self-check (자가진단), sent from the link in their text."""

    recipient = models.ForeignKey(Recipient, on_delete=models.CASCADE, related_name="selfchecks")
    day = models.DateField()
    temperature = models.DecimalField(max_digits=3, decimal_places=1)
    symptoms = models.JSONField(default=list, blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "day"], name="rpa_one_selfcheck_a_day"),
            models.CheckConstraint(
                condition=Q(temperature__gte=30) & Q(temperature__lte=45),
                name="rpa_selfcheck_temperature_plausible",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.day}"


class ReportColumn(models.Model):
    """One column of the agency report, in the order the national agency asks for."""

    class Field(models.TextChoices):
        ROW = "row", _("Row")
        NAME = "name", _("Name")
        PHONE = "phone", _("Phone")
        BIRTH_DATE = "birth_date", _("Birth date")
        RESULT = "result", _("Result")
        TEST_DATE = "test_date", _("Test date")
        QUARANTINE_START = "quarantine_start", _("Quarantine start")
        QUARANTINE_END = "quarantine_end", _("Quarantine end")
        MESSAGE_KIND = "message_kind", _("Message kind")
        MESSAGE_STATUS = "message_status", _("Message status")

    position = models.PositiveIntegerField(unique=True)
    field = models.CharField(max_length=32, choices=Field.choices)
    header = models.CharField(max_length=100)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.header


class AgencyReport(models.Model):
    """The day's cases as the agency's xlsx, produced by a worker."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    day = models.DateField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    file = models.FileField(storage=private_storage, upload_to="reports/", blank=True)
    rows = models.PositiveIntegerField(default=0)
    # Why the last attempt failed, in one sentence for the team (no personal data).
    failure_reason = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.day} {self.status}"


class HealthSettings(models.Model):
    """What makes a self-check stand out (이상 소견): one row, edited by the health lead."""

    fever_from = models.DecimalField(
        _("fever from (°C)"),
        max_digits=3,
        decimal_places=1,
        default=Decimal("37.5"),
        help_text=_("A temperature at or above this is flagged."),
    )
    flag_any_symptom = models.BooleanField(
        _("flag any symptom"),
        default=True,
        help_text=_("An answer with at least one symptom is flagged, whatever the temperature."),
    )

    class Meta:
        verbose_name = _("self-check thresholds")
        verbose_name_plural = _("self-check thresholds")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="rpa_health_settings_single_row"),
            models.CheckConstraint(
                condition=Q(fever_from__gte=35) & Q(fever_from__lte=42),
                name="rpa_health_settings_fever_plausible",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Self-check thresholds"))

    def save(self, *args, **kwargs) -> None:
        self.pk = 1
        super().save(*args, **kwargs)


class CallLog(models.Model):
    """A call to a resident who had not sent the day's self-check (미응답자 전화 확인)."""

    class Outcome(models.TextChoices):
        CALLED = "called", _("Called")
        REACHED = "reached", _("Reached")
        NOT_REACHED = "not_reached", _("Not reached")

    recipient = models.ForeignKey(Recipient, on_delete=models.CASCADE, related_name="calls")
    day = models.DateField()
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    note = models.CharField(max_length=500, blank=True)
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=["called", "reached", "not_reached"]),
                name="rpa_call_outcome_known",
            )
        ]
        indexes = [models.Index(fields=["day", "recipient"])]

    def __str__(self) -> str:
        return f"{self.day} {self.recipient_id} {self.outcome}"


class AccessLog(models.Model):
    """Who looked at, exported or downloaded residents' data, and when (열람 기록)."""

    class Action(models.TextChoices):
        VIEW = "view", _("Viewed")
        EXPORT = "export", _("Exported")
        DOWNLOAD = "download", _("Downloaded")
        API = "api", _("Read through the API")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=16, choices=Action.choices)
    upload = models.ForeignKey(
        Upload, on_delete=models.SET_NULL, null=True, blank=True, related_name="access_logs"
    )
    what = models.CharField(max_length=200)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.action} {self.what}"
