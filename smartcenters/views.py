"""Pages: find and book a seat, my bookings, check in from a seat's QR code, occupancy figures."""

import csv
from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.roles import is_admin, is_manager
from core import clock

from . import charts, rules, selectors, services
from .forms import DayAndSlotForm, PeriodForm
from .models import SLOT_NAMES, Booking, Center, Seat, Slot, WaitlistEntry


def _day_and_slot(request) -> tuple[DayAndSlotForm, date, str]:
    default_day = rules.default_booking_day(clock.now())
    form = DayAndSlotForm(request.GET or request.POST or None, initial_day=default_day)
    if form.is_bound and form.is_valid():
        return form, form.cleaned_data["date"], form.cleaned_data["slot"]
    return form, default_day, rules.FULL


def _seat_map_url(center: Center, day: date, slot: str) -> str:
    query = urlencode({"date": day.isoformat(), "slot": slot})
    return f"{reverse('smartcenters:center', args=[center.pk])}?{query}"


@login_required
def book(request):
    """Step 1: a day and a slot, every center with its free seats."""
    form, day, slot = _day_and_slot(request)
    centers = selectors.centers_with_free_counts(day, slot)
    for center in centers:
        center.map_url = _seat_map_url(center, day, slot)
    context = {
        "form": form,
        "day": day,
        "slot": slot,
        "slot_label": Slot(slot).label,
        "centers": centers,
        "waitlist": selectors.waitlist_of(request.user),
        "can_see_stats": _can_see_stats(request.user),
    }
    template = "smartcenters/_centers.html" if request.htmx else "smartcenters/book.html"
    return render(request, template, context)


def _slot_labels(center: Center) -> list[tuple[str, str]]:
    """Each slot with the center's own times, e.g. ("am", "Morning 10:00–14:00")."""
    labels = []
    for slot in rules.SLOTS:
        starts, ends = center.hours.slot_times(slot)
        labels.append((slot, f"{SLOT_NAMES[slot]} {starts:%H:%M}–{ends:%H:%M}"))
    return labels


def _seat_map_context(request, center: Center, day: date, slot: str, **extra) -> dict:
    closed_reason = selectors.closed_reason(center, day)
    seats = selectors.seat_map(center, day, slot, user=request.user, is_open=closed_reason is None)
    slots = _slot_labels(center)
    context = {
        "center": center,
        "day": day,
        "slot": slot,
        "slot_label": dict(slots)[slot],
        "seats": seats,
        "free_seats": [s for s in seats if s.is_free],
        "is_open": closed_reason is None,
        "closed_reason": closed_reason,
        "plan": charts.floor_plan(center, seats),
        "slots": slots,
    }
    context.update(extra)
    return context


@login_required
def center_seats(request, center_id: int):
    """Step 2: the seat map of one center; step 3 is the Book button of a seat."""
    center = get_object_or_404(Center, pk=center_id, is_active=True)
    _form, day, slot = _day_and_slot(request)
    return render(
        request, "smartcenters/center.html", _seat_map_context(request, center, day, slot)
    )


@login_required
@require_POST
def book_seat(request, seat_id: int):
    seat = get_object_or_404(Seat.objects.select_related("center"), pk=seat_id)
    form, day, slot = _day_and_slot(request)
    if not form.is_valid():
        messages.error(request, _("Choose a day and a slot."))
        return redirect(_seat_map_url(seat.center, day, slot))
    # Other refusals go back to the page the person came from, with their sentence
    # (config.errors.DomainErrorMiddleware).
    try:
        booking = services.book_seat(user=request.user, seat=seat, date=day, slot=slot)
    except services.SeatTaken as exc:
        context = _seat_map_context(
            request, seat.center, day, slot, taken_seat=seat, offer=exc.nearest_free_seat
        )
        return render(request, "smartcenters/center.html", context, status=409)
    except services.PersonAlreadyBooked as exc:
        messages.warning(request, exc.message)
        return redirect("smartcenters:mine")
    if booking.status == Booking.Status.HELD:
        messages.success(request, _held_message(booking))
    else:
        messages.success(request, _("Booked: seat %(seat)s on %(day)s (%(slot)s).") % booking.words)
    return redirect("smartcenters:mine")


def _held_message(booking: Booking) -> str:
    return (
        _("Seat %(seat)s is held for you on %(day)s (%(slot)s) until an administrator confirms it.")
        % booking.words
    )


@login_required
@require_POST
def join_waitlist(request, center_id: int):
    center = get_object_or_404(Center, pk=center_id, is_active=True)
    _form, day, slot = _day_and_slot(request)
    # A refusal goes back to the seat map with its sentence (config.errors.DomainErrorMiddleware).
    services.join_waitlist(user=request.user, center=center, date=day, slot=slot)
    messages.success(
        request,
        _("You are on the waitlist. When a seat frees up, it is booked for you and you are told."),
    )
    return redirect("smartcenters:mine")


@login_required
@require_POST
def leave_waitlist(request, entry_id: int):
    entry = get_object_or_404(WaitlistEntry, pk=entry_id, user=request.user)
    services.leave_waitlist(entry=entry, actor=request.user)
    messages.success(request, _("You left the waitlist."))
    return redirect("smartcenters:mine")


@login_required
def mine(request):
    today = clock.today()
    upcoming = list(selectors.bookings_of(request.user, upcoming_only=True, today=today))
    history = list(
        selectors.bookings_of(request.user)
        .exclude(pk__in=[b.pk for b in upcoming])
        .filter(date__gte=today - timedelta(days=60))[:30]
    )
    return render(
        request,
        "smartcenters/mine.html",
        {
            "upcoming": upcoming,
            "history": history,
            "waitlist": selectors.waitlist_of(request.user, today=today),
        },
    )


@login_required
@require_POST
def cancel(request, booking_id: int):
    booking = get_object_or_404(Booking, pk=booking_id, user=request.user)
    # A refusal goes back to my bookings with its sentence (config.errors.DomainErrorMiddleware).
    services.cancel_booking(booking=booking, actor=request.user)
    messages.success(request, _("Cancelled: seat %(seat)s on %(day)s (%(slot)s).") % booking.words)
    return redirect("smartcenters:mine")


@login_required
def check_in(request, token: str):
    """Reached from the QR code on a seat: check in the person's booking at this seat, now.

    Without a booking here, a free seat can be booked and checked into at once (a walk-in).
    """
    seat = get_object_or_404(Seat.objects.select_related("center"), checkin_token=token)
    now = clock.now()
    booking = selectors.booking_to_check_in(user=request.user, seat=seat, now=now)
    error = offer = None
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("walk_in"):
                booking = services.walk_in(
                    user=request.user,
                    seat=seat,
                    token=token,
                    slot=request.POST["walk_in"],
                    now=now,
                )
            elif booking is None:
                raise services.BookingRuleError(
                    "booking", _("You have no booking at this seat today.")
                )
            else:
                booking = services.check_in(
                    booking=booking, actor=request.user, token=token, now=now
                )
        except services.SeatTaken as exc:
            error, offer, status = exc.message, exc.nearest_free_seat, 409
        except services.BookingError as exc:
            error, status = exc.message, 400
        else:
            if booking.status == Booking.Status.HELD:
                messages.success(request, _held_message(booking))
            else:
                messages.success(
                    request, _("Checked in at %(seat)s. Have a good day.") % {"seat": seat}
                )
            return redirect("smartcenters:check_in", token=token)
    return render(
        request,
        "smartcenters/check_in.html",
        {
            "seat": seat,
            "booking": booking,
            "error": error,
            "offer": offer,
            "walk_in_slots": [] if booking else selectors.walk_in_slots(seat, now=now),
        },
        status=status,
    )


def _can_see_stats(user) -> bool:
    return is_admin(user) or is_manager(user)


@login_required
def stats(request):
    if not _can_see_stats(request.user):
        raise PermissionDenied
    form = PeriodForm(request.GET or None)
    start, end = form.period(clock.today())
    if not form.is_bound:
        form = PeriodForm(initial={"start": start, "end": end})
    rows = selectors.occupancy_by_center_and_day(start, end)
    per_center = selectors.occupancy_by_center(rows)
    per_day = selectors.occupancy_by_day(rows)
    no_shows, due, no_show_rate = selectors.no_show_rate(start, end)
    context = {
        "form": form,
        "start": start,
        "end": end,
        "per_center": per_center,
        "per_day": per_day,
        "busiest": selectors.busiest_days(rows),
        "no_shows": no_shows,
        "due": due,
        "no_show_rate": no_show_rate,
        "center_chart": charts.center_bars(per_center),
        "day_chart": charts.day_columns(per_day),
        "export_query": urlencode({"start": start.isoformat(), "end": end.isoformat()}),
    }
    return render(request, "smartcenters/stats.html", context)


@login_required
def stats_csv(request):
    if not _can_see_stats(request.user):
        raise PermissionDenied
    form = PeriodForm(request.GET or None)
    start, end = form.period(clock.today())
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="center-occupancy-{start.isoformat()}-{end.isoformat()}.csv"'
    )
    # A byte-order mark lets spreadsheet programs read the Korean names as UTF-8.
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(
        [_("center"), _("date"), _("seats"), _("half-days booked"), _("occupancy %"), _("no-shows")]
    )
    for row in selectors.occupancy_by_center_and_day(start, end):
        writer.writerow(
            [
                row.center.name,
                row.day.isoformat(),
                row.seats,
                row.booked_halfdays,
                f"{row.occupancy * 100:.1f}",
                row.no_shows,
            ]
        )
    return response
