"""Admin: centers with their seats and closures, the booking rules, bookings, a QR sheet per center."""

import segno
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Booking, BookingRules, Center, CenterClosure, Seat, WaitlistEntry


def checkin_url(seat: Seat) -> str:
    return f"{settings.SITE_URL}{reverse('smartcenters:check_in', args=[seat.checkin_token])}"


class SeatInline(admin.TabularInline):
    model = Seat
    fields = ["label", "has_monitor", "has_desktop", "has_phone", "is_quiet", "x", "y", "is_active"]
    extra = 0


class ClosureInline(admin.TabularInline):
    model = CenterClosure
    fields = ["starts_on", "ends_on", "reason"]
    extra = 0


@admin.register(Center)
class CenterAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "active_seats", "is_active", "needs_approval", "qr_sheet"]
    list_filter = ["is_active", "needs_approval"]
    search_fields = ["name", "short_name", "address"]
    inlines = [SeatInline, ClosureInline]
    actions = ["print_qr_sheets"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(seat_count=Count("seats", filter=Q(seats__is_active=True)))
        )

    @admin.display(description=_("active seats"), ordering="seat_count")
    def active_seats(self, obj):
        return obj.seat_count

    @admin.display(description=_("QR codes"))
    def qr_sheet(self, obj):
        url = reverse("admin:smartcenters_center_qr_sheet") + f"?ids={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, _("Print QR sheet"))

    def get_urls(self):
        return [
            path(
                "qr-sheet/",
                self.admin_site.admin_view(self.qr_sheet_view),
                name="smartcenters_center_qr_sheet",
            ),
            *super().get_urls(),
        ]

    @admin.action(description=_("Print the QR sheet of the selected centers"))
    def print_qr_sheets(self, request, queryset):
        ids = ",".join(str(pk) for pk in queryset.values_list("pk", flat=True))
        return redirect(reverse("admin:smartcenters_center_qr_sheet") + f"?ids={ids}")

    def qr_sheet_view(self, request):
        if not self.has_view_permission(request):
            return redirect("admin:index")
        ids = [int(part) for part in request.GET.get("ids", "").split(",") if part.isdigit()]
        centers = []
        for center in Center.objects.filter(pk__in=ids).order_by("name"):
            seats = []
            for seat in center.seats.filter(is_active=True).order_by("label"):
                url = checkin_url(seat)
                seats.append(
                    {
                        "seat": seat,
                        "url": url,
                        "svg": segno.make(url, error="m").svg_inline(
                            scale=4, dark="#000", light="#fff"
                        ),
                    }
                )
            centers.append({"center": center, "seats": seats})
        if not centers:
            raise Http404(_("Choose at least one center."))
        return TemplateResponse(
            request,
            "admin/smartcenters/qr_sheet.html",
            {**self.admin_site.each_context(request), "centers": centers, "title": _("QR sheet")},
        )


@admin.register(CenterClosure)
class CenterClosureAdmin(admin.ModelAdmin):
    list_display = ["center", "starts_on", "ends_on", "reason"]
    list_filter = ["center"]
    date_hierarchy = "starts_on"


@admin.register(BookingRules)
class BookingRulesAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "days_ahead",
        "max_active_bookings",
        "cancel_deadline_minutes",
        "checkin_deadline_minutes",
    ]

    def has_add_permission(self, request):
        return not BookingRules.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        rules_row = BookingRules.load()
        return redirect("admin:smartcenters_bookingrules_change", rules_row.pk)


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = [
        "date",
        "slot",
        "seat",
        "user",
        "status",
        "origin",
        "checked_in_at",
        "is_no_show",
    ]
    list_filter = [
        "status",
        "origin",
        "slot",
        "seat__center",
        "is_no_show",
        ("date", admin.DateFieldListFilter),
    ]
    search_fields = ["user__full_name", "user__username", "seat__label", "seat__center__name"]
    date_hierarchy = "date"
    list_select_related = ["seat__center", "user"]
    autocomplete_fields = ["user"]
    raw_id_fields = ["seat"]
    readonly_fields = [
        "created_at",
        "checked_in_at",
        "cancelled_at",
        "released_at",
        "end_reason",
        "is_no_show",
    ]
    actions = ["confirm_held", "cancel_selected"]

    @admin.action(description=_("Confirm the selected held bookings"))
    def confirm_held(self, request, queryset):
        done = 0
        for booking in queryset.filter(status=Booking.Status.HELD):
            services.confirm_booking(booking=booking, notify_holder=True)
            done += 1
        self.message_user(request, _("%(n)s bookings confirmed.") % {"n": done}, messages.SUCCESS)

    @admin.action(description=_("Cancel the selected bookings (the holders are told)"))
    def cancel_selected(self, request, queryset):
        done = 0
        for booking in queryset.filter(status__in=(Booking.Status.HELD, Booking.Status.CONFIRMED)):
            services.cancel_booking(
                booking=booking, actor=request.user, reason=str(_("Cancelled by an administrator."))
            )
            done += 1
        self.message_user(request, _("%(n)s bookings cancelled.") % {"n": done}, messages.SUCCESS)


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(admin.ModelAdmin):
    list_display = ["date", "slot", "center", "user", "created_at", "fulfilled_booking"]
    list_filter = ["center", "slot"]
    list_select_related = ["center", "user"]
    autocomplete_fields = ["user"]
    raw_id_fields = ["fulfilled_booking"]
