"""Admin of 근무상황: kinds (which need approval, which are part of a day), records, destinations."""

from django.contrib import admin

from .models import AwayKind, AwayRecord, TripDestination


@admin.register(AwayKind)
class AwayKindAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "name_en",
        "code",
        "category",
        "needs_approval",
        "part_of_day",
        "is_active",
    ]
    list_editable = ["needs_approval", "part_of_day", "is_active"]
    list_filter = ["category", "needs_approval", "is_active"]
    ordering = ["ordering", "pk"]


@admin.register(TripDestination)
class TripDestinationAdmin(admin.ModelAdmin):
    list_display = ["name", "latitude", "longitude", "is_active"]
    list_editable = ["is_active"]
    search_fields = ["name"]


@admin.register(AwayRecord)
class AwayRecordAdmin(admin.ModelAdmin):
    list_display = [
        "person",
        "kind",
        "start_date",
        "end_date",
        "start_time",
        "end_time",
        "status",
        "origin",
    ]
    list_filter = ["kind", "status", "origin", "start_date"]
    search_fields = ["person__full_name", "person__username", "person__employee_number", "place"]
    date_hierarchy = "start_date"
    autocomplete_fields = ["person"]
    raw_id_fields = ["approval"]
    readonly_fields = ["source_key", "created_at", "updated_at"]
