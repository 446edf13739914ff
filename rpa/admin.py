"""Admin of the rpa app: templates with their byte preview, sender numbers, report columns, logs."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import (
    AccessLog,
    AgencyReport,
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
    readonly_fields = ["day", "status", "rows", "requested_by", "created_at", "finished_at"]
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
