"""Admin: centers, seats and closures, the booking rules, bookings, printable QR sheets."""

from itertools import groupby

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


def qr_sheet_url(*, center_ids=(), seat_ids=()) -> str:
    """The printable sheet of the centers' active seats, or of just these seats."""
    if seat_ids:
        query = "seats=" + ",".join(str(pk) for pk in seat_ids)
    else:
        query = "ids=" + ",".join(str(pk) for pk in center_ids)
    return f"{reverse('admin:smartcenters_center_qr_sheet')}?{query}"


def _ids(value: str) -> list[int]:
    return [int(part) for part in value.split(",") if part.isdigit()]


def _qr_card(seat: Seat) -> dict:
    url = checkin_url(seat)
    return {
        "seat": seat,
        "url": url,
        "svg": segno.make(url, error="m").svg_inline(scale=4, dark="#000", light="#fff"),
    }


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
        return format_html(
            '<a href="{}">{}</a>', qr_sheet_url(center_ids=[obj.pk]), _("Print QR sheet")
        )

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
        return redirect(qr_sheet_url(center_ids=queryset.values_list("pk", flat=True)))

    def qr_sheet_view(self, request):
        if not self.has_view_permission(request):
            return redirect("admin:index")
        seat_ids = _ids(request.GET.get("seats", ""))
        if seat_ids:
            # Seats chosen one by one (new codes just issued) are printed as chosen.
            seats = Seat.objects.filter(pk__in=seat_ids)
        else:
            centers = _ids(request.GET.get("ids", ""))
            seats = Seat.objects.filter(center__in=centers, is_active=True)
        seats = seats.select_related("center").order_by("center__name", "center_id", "label")
        centers = [
            {"center": center, "seats": [_qr_card(seat) for seat in group]}
            for center, group in groupby(seats, key=lambda seat: seat.center)
        ]
        if not centers:
            raise Http404(_("Choose at least one center with seats, or a seat."))
        return TemplateResponse(
            request,
            "admin/smartcenters/qr_sheet.html",
            {**self.admin_site.each_context(request), "centers": centers, "title": _("QR sheet")},
        )


@admin.register(Seat)
class SeatAdmin(admin.ModelAdmin):
    """Seats one by one: where a QR code got out, the admin issues the seat a new one."""

    list_display = ["label", "center", "is_active", "qr_code"]
    list_filter = ["center", "is_active"]
    search_fields = ["label", "center__name", "center__short_name"]
    list_select_related = ["center"]
    fields = ["center", *SeatInline.fields]
    actions = ["issue_new_qr_codes"]

    @admin.display(description=_("QR code"))
    def qr_code(self, obj):
        return format_html(
            '<a href="{}">{}</a>', qr_sheet_url(seat_ids=[obj.pk]), _("Print QR code")
        )

    @admin.action(description=_("Issue new QR codes"), permissions=["change"])
    def issue_new_qr_codes(self, request, queryset):
        # The old code stops working when this commits: print the new ones and replace them.
        seat_ids = services.issue_new_checkin_codes(
            seat_ids=list(queryset.values_list("pk", flat=True))
        )
        self.message_user(
            request,
            _(
                "%(n)s seats have new QR codes and their old codes no longer work: "
                "print this sheet and replace the codes on those seats."
            )
            % {"n": len(seat_ids)},
            messages.SUCCESS,
        )
        return redirect(qr_sheet_url(seat_ids=seat_ids))


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
