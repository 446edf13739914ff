"""Admin: policies and office holidays are edited here; arrangements and closures are read."""

from django.contrib import admin

from .models import (
    Arrangement,
    ArrangementDay,
    Closure,
    ClosurePlacement,
    OfficeHoliday,
    WorkPolicy,
)


@admin.register(WorkPolicy)
class WorkPolicyAdmin(admin.ModelAdmin):
    list_display = [
        "kind",
        "is_enabled",
        "earliest_start",
        "latest_start",
        "start_step_minutes",
        "min_daily_hours",
        "max_daily_hours",
        "weekly_hours",
        "min_days_ahead",
        "monthly_day_limit",
        "emergency_allowed",
        "cancel_needs_approval",
    ]
    list_editable = ["is_enabled"]


@admin.register(OfficeHoliday)
class OfficeHolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "name"]
    date_hierarchy = "date"


class ArrangementDayInline(admin.TabularInline):
    model = ArrangementDay
    extra = 0
    can_delete = False
    fields = ["date", "start_time", "end_time", "hours", "is_active", "booking"]
    readonly_fields = fields


@admin.register(Arrangement)
class ArrangementAdmin(admin.ModelAdmin):
    list_display = ["applicant", "kind", "start_date", "end_date", "status", "origin", "approval"]
    list_filter = ["kind", "status", "origin"]
    search_fields = ["applicant__full_name", "applicant__username"]
    date_hierarchy = "start_date"
    inlines = [ArrangementDayInline]
    list_select_related = ["applicant", "approval"]
    # State follows the approval document: it changes through the services, not by hand.
    readonly_fields = [
        "applicant",
        "status",
        "approval",
        "cancel_approval",
        "cancel_status",
        "origin",
        "center",
        "seat",
    ]

    def has_add_permission(self, request):
        return False


class ClosurePlacementInline(admin.TabularInline):
    model = ClosurePlacement
    extra = 0
    can_delete = False
    fields = [
        "person",
        "date",
        "is_close_contact",
        "mode",
        "seat",
        "booking",
        "arrangement",
        "confirmed_at",
    ]
    readonly_fields = fields


@admin.register(Closure)
class ClosureAdmin(admin.ModelAdmin):
    list_display = ["building", "floor", "start_date", "end_date", "status", "created_by"]
    list_filter = ["status"]
    inlines = [ClosurePlacementInline]
    readonly_fields = ["status", "created_by", "confirmed_at", "close_contacts"]

    def has_add_permission(self, request):
        # Closures are made on their own page, which lists the people and proposes seats.
        return False


# 근무상황 has its own admin module beside its models.
from .away import admin as away_admin  # noqa: E402, F401
