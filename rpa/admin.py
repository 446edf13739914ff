"""Admin of the rpa app: templates, sender numbers, report columns, thresholds, calls, logs."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import (
    AccessLog,
    AgencyReport,
    CallLog,
    HealthSettings,
    MessageTemplate,
    ReportColumn,
    SenderNumber,
    Upload,
)


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    list_display = ["kind", "sender", "preview_bytes", "preview_channel", "updated_at"]
    readonly_fields = ["preview_bytes", "preview_channel"]
    fields = ["kind", "text", "sender", "preview_bytes", "preview_channel"]

    @admin.display(description=_("Bytes (EUC-KR, with sample values)"))
    def preview_bytes(self, obj):
        return obj.byte_length if obj.pk else "-"

    @admin.display(description=_("Sent as"))
    def preview_channel(self, obj):
        if not obj.pk:
            return "-"
        return (obj.channel or _("too long")).upper()


@admin.register(SenderNumber)
class SenderNumberAdmin(admin.ModelAdmin):
    list_display = ["number", "label", "is_active"]


@admin.register(ReportColumn)
class ReportColumnAdmin(admin.ModelAdmin):
    list_display = ["position", "field", "header"]
    list_editable = ["field", "header"]


@admin.register(Upload)
class UploadAdmin(admin.ModelAdmin):
    list_display = ["day", "original_name", "uploaded_by", "status", "created_at", "purged_at"]
    list_filter = ["status", "day"]
    readonly_fields = [f.name for f in Upload._meta.fields]
    exclude = ["file"]

    def has_add_permission(self, request):
        return False


@admin.register(AgencyReport)
class AgencyReportAdmin(admin.ModelAdmin):
    list_display = ["day", "status", "rows", "requested_by", "created_at"]
    readonly_fields = [
        "day",
        "status",
        "rows",
        "failure_reason",
        "requested_by",
        "created_at",
        "finished_at",
    ]
    exclude = ["file"]

    def has_add_permission(self, request):
        return False


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "action", "upload", "what"]
    list_filter = ["action"]
    readonly_fields = ["at", "user", "action", "upload", "what"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(HealthSettings)
class HealthSettingsAdmin(admin.ModelAdmin):
    """One row: the health lead edits the thresholds, nobody adds a second or deletes it."""

    list_display = ["__str__", "fever_from", "flag_any_symptom"]

    def has_add_permission(self, request):
        return not HealthSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CallLog)
class CallLogAdmin(admin.ModelAdmin):
    list_display = ["at", "day", "recipient", "outcome", "called_by"]
    list_filter = ["outcome", "day"]
    readonly_fields = ["at", "day", "recipient", "outcome", "note", "called_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
