"""Admin of approvals: rules per type, absences, documents (read-only) and waiting times."""

from datetime import timedelta

from django.contrib import admin
from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Max, Q
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from core import clock

from .models import Absence, Action, ApprovalStep, Attachment, Document, DocumentType, WaitingReport


@admin.register(DocumentType)
class DocumentTypeAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "levels",
        "delegated_max_days",
        "allow_extra_reviewers",
        "allow_cooperators",
        "is_routine",
        "remind_after_hours",
        "stuck_after_hours",
    ]
    list_editable = ["levels", "delegated_max_days", "remind_after_hours", "stuck_after_hours"]
    search_fields = ["code", "name"]

    def get_readonly_fields(self, request, obj=None):
        # Other apps submit by code: a code never changes once it exists.
        return ["code"] if obj else []


@admin.register(Absence)
class AbsenceAdmin(admin.ModelAdmin):
    list_display = ["approver", "substitute", "start_date", "end_date"]
    list_filter = ["start_date"]
    search_fields = ["approver__full_name", "substitute__full_name"]
    autocomplete_fields = ["approver", "substitute"]
    date_hierarchy = "start_date"


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class StepInline(ReadOnlyInline):
    model = ApprovalStep
    fields = [
        "round",
        "order",
        "kind",
        "approver",
        "acting_for",
        "delegated_final",
        "status",
        "activated_at",
        "decided_at",
    ]
    readonly_fields = fields


class ActionInline(ReadOnlyInline):
    model = Action
    fields = ["created_at", "round", "kind", "actor", "acting_for", "capacity", "comment", "client"]
    readonly_fields = fields


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    fields = ["name", "size", "uploaded_at"]
    readonly_fields = fields


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "doc_type",
        "applicant",
        "status",
        "round",
        "submitted_at",
        "decided_at",
    ]
    list_filter = ["status", "doc_type"]
    search_fields = ["title", "applicant__full_name", "applicant__username"]
    date_hierarchy = "submitted_at"
    list_select_related = ["doc_type", "applicant"]
    inlines = [StepInline, ActionInline, AttachmentInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _hours(value) -> float | None:
    return round(value.total_seconds() / 3600, 1) if value is not None else None


@admin.register(WaitingReport)
class WaitingReportAdmin(admin.ModelAdmin):
    """How long documents wait for decisions, by the applicant's department."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def changelist_view(self, request, extra_context=None):
        days = request.GET.get("days", "30")
        days = int(days) if days.isdigit() and 0 < int(days) <= 3650 else 30
        now = clock.now()
        since = now - timedelta(days=days)
        waited = ExpressionWrapper(
            F("decided_at") - F("activated_at"), output_field=DurationField()
        )
        waiting = ExpressionWrapper(now - F("activated_at"), output_field=DurationField())
        decided = (
            ApprovalStep.objects.filter(
                decided_at__gte=since, activated_at__isnull=False, decided_at__isnull=False
            )
            .values("document__applicant__department__name")
            .annotate(decided=Count("pk"), average=Avg(waited), longest=Max(waited))
        )
        pending = (
            ApprovalStep.objects.filter(status=ApprovalStep.Status.PENDING)
            .values("document__applicant__department__name")
            .annotate(pending=Count("pk"), oldest=Max(waiting))
        )
        rows: dict[str, dict] = {}
        for row in decided:
            name = row["document__applicant__department__name"] or "-"
            rows.setdefault(name, {"department": name})
            rows[name].update(
                decided=row["decided"],
                average=_hours(row["average"]),
                longest=_hours(row["longest"]),
            )
        for row in pending:
            name = row["document__applicant__department__name"] or "-"
            rows.setdefault(name, {"department": name})
            rows[name].update(pending=row["pending"], oldest=_hours(row["oldest"]))
        totals = ApprovalStep.objects.aggregate(
            pending=Count("pk", filter=Q(status="pending")),
            average=Avg(waited, filter=Q(decided_at__gte=since, activated_at__isnull=False)),
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Waiting times by department"),
            "rows": sorted(rows.values(), key=lambda r: -(r.get("pending") or 0)),
            "total_pending": totals["pending"],
            "total_average": _hours(totals["average"]),
            "days": days,
        }
        return TemplateResponse(request, "admin/approvals/waiting_report.html", context)
