"""Pages of flexible work: my month, apply, a request, the team board, feed, exports, closures."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from approvals import selectors as approval_selectors
from approvals.selectors import preview_line
from core import clock
from core.errors import DomainError

from . import closures, documents, exports, feed, rules, selectors, services
from .access import can_export, can_manage_closures
from .forms import ArrangementRequestForm, CancelForm, ClosureForm, ExtendClosureForm
from .models import Closure, Kind, Status


def _parse_date(value: str | None, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if value else default
    except ValueError:
        return default


@login_required
def month(request):
    today = clock.today()
    try:
        year, month_number = (int(x) for x in request.GET.get("month", "").split("-"))
        first = dt.date(year, month_number, 1)
    except ValueError:
        first = today.replace(day=1)
    previous = (first - dt.timedelta(days=1)).replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return render(
        request,
        "worktime/month.html",
        {
            "weeks": selectors.month_of(request.user, first.year, first.month, today=today),
            "first": first,
            "previous": previous,
            "following": following,
            "arrangements": selectors.arrangements_of(request.user, limit=20),
            "weekday_names": [rules.weekday_abbr(d) for d in range(7)],
            "can_export": can_export(request.user),
            "can_close": can_manage_closures(request.user),
        },
    )


def _approval_line(user, kind: str, span_days: int = 1):
    """The approvers a request would go to, when the approvals app can tell in advance."""
    try:
        return preview_line(
            applicant=user, doc_type=documents.doc_type_for(kind), span_days=span_days
        )
    except Exception:  # noqa: BLE001 - a preview must never break the form
        return None


@login_required
def request_new(request):
    initial = {"kind": request.GET.get("kind") or Kind.STAGGERED}
    form = ArrangementRequestForm(request.POST or None, initial=initial)
    kind = form.data.get("kind") if form.is_bound else initial["kind"]
    if request.method == "POST" and form.is_valid() and "preview" in request.POST:
        # "Check the days first": the days it would cover and skip, nothing sent.
        try:
            preview = services.preview_request(applicant=request.user, **form.service_kwargs())
        except DomainError as refusal:
            refusal.add_to(form)
        else:
            return _request_form_page(request, form, kind, preview=preview)
    elif request.method == "POST" and form.is_valid():
        try:
            arrangement = services.request_arrangement(
                applicant=request.user, client="web", **form.service_kwargs()
            )
        except DomainError as refusal:
            refusal.add_to(form)
        else:
            messages.success(request, _("Your request was sent for approval."))
            return redirect("worktime:request_detail", pk=arrangement.pk)
    return _request_form_page(request, form, kind)


def _request_form_page(request, form, kind: str, **extra):
    return render(
        request,
        "worktime/request_new.html",
        {
            "form": form,
            "line": _approval_line(
                request.user, kind if kind in rules.Kind.ALL else Kind.STAGGERED
            ),
            "policies": _policy_summaries(),
            # The kind's own fields and policy are shown from the first paint: hiding the others
            # only in the script would move the form under a reader's eyes (layout shift).
            "current_kind": kind if kind in rules.Kind.ALL else Kind.STAGGERED,
            **extra,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
def request_revise(request, pk: int):
    """A returned request (반려), filled in as it was, to correct and send again."""
    arrangement = selectors.arrangement_for(request.user, pk)
    if arrangement is None:
        raise Http404
    if arrangement.status != Status.RETURNED:
        messages.error(request, _("Only a returned request can be revised."))
        return redirect("worktime:request_detail", pk=pk)
    form = ArrangementRequestForm(
        request.POST or None, initial=ArrangementRequestForm.initial_from(arrangement)
    )
    # The kind stays: it decides the approval document's type.
    form.fields["kind"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            services.revise_arrangement(
                arrangement=arrangement, actor=request.user, client="web", **form.service_kwargs()
            )
        except DomainError as refusal:
            refusal.add_to(form)
        else:
            messages.success(request, _("Your revised request was sent for approval again."))
            return redirect("worktime:request_detail", pk=pk)
    return _request_form_page(
        request,
        form,
        arrangement.kind,
        revising=arrangement,
        returned=approval_selectors.last_return(arrangement.approval),
    )


def _policy_summaries() -> list[dict]:
    rows = []
    for kind, label in Kind.choices:
        policy = selectors.policy_for(kind)
        parts = []
        if policy.earliest_start and policy.latest_start:
            parts.append(
                _("start %(a)s–%(b)s every %(step)d min")
                % {
                    "a": rules.fmt_time(policy.earliest_start),
                    "b": rules.fmt_time(policy.latest_start),
                    "step": policy.start_step_minutes,
                }
            )
        if policy.min_daily_hours is not None and kind in rules.Kind.HOURS:
            parts.append(
                _("%(min)s–%(max)s h a day")
                % {
                    "min": rules.fmt_hours(policy.min_daily_hours),
                    "max": rules.fmt_hours(policy.max_daily_hours or 24),
                }
            )
        if policy.weekly_hours is not None and kind in rules.Kind.HOURS:
            parts.append(_("%(h)s h a week") % {"h": rules.fmt_hours(policy.weekly_hours)})
        parts.append(_("apply %(n)d day(s) ahead") % {"n": policy.min_days_ahead})
        if policy.monthly_day_limit:
            parts.append(_("up to %(n)d days a month") % {"n": policy.monthly_day_limit})
        rows.append({"kind": kind, "label": label, "summary": " · ".join(parts)})
    return rows


@login_required
def request_detail(request, pk: int):
    arrangement = selectors.arrangement_for(request.user, pk)
    if arrangement is None:
        raise Http404
    return render(
        request,
        "worktime/request_detail.html",
        {
            "arrangement": arrangement,
            "days": arrangement.days.select_related("booking__seat__center"),
            "skipped": selectors.skipped_days_of(arrangement),
            "can_cancel": arrangement.can_cancel_on(clock.today()),
            "returned": approval_selectors.last_return(arrangement.approval)
            if arrangement.status == Status.RETURNED
            else None,
            "cancel_form": CancelForm(),
        },
    )


def _act_on_request(request, pk: int, action) -> HttpResponse:
    """A button on a request's page: `action(arrangement)` says what it did; a refusal is shown
    as messages on the same page."""
    arrangement = selectors.arrangement_for(request.user, pk)
    if arrangement is None:
        raise Http404
    try:
        done = action(arrangement)
    except DomainError as refusal:
        for message in refusal.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect("worktime:request_detail", pk=pk)


@login_required
@require_POST
def request_withdraw(request, pk: int):
    """회수: a pending request goes back before anyone decides it."""

    def withdraw(arrangement) -> str:
        services.withdraw_arrangement(arrangement=arrangement, actor=request.user, client="web")
        return _("The request was withdrawn.")

    return _act_on_request(request, pk, withdraw)


@login_required
@require_POST
def request_cancel(request, pk: int):
    """An approved arrangement, before its first day: at once or through a cancellation."""
    form = CancelForm(request.POST)
    form.is_valid()

    def cancel(arrangement) -> str:
        arrangement = services.cancel_arrangement(
            arrangement=arrangement,
            actor=request.user,
            reason=form.cleaned_data.get("reason", ""),
            client="web",
        )
        if arrangement.status == Status.CANCELLED:
            return _("The arrangement was cancelled.")
        return _("The cancellation was sent for approval.")

    return _act_on_request(request, pk, cancel)


@login_required
def board(request):
    today = clock.today()
    day = _parse_date(request.GET.get("date"), today)
    view = "week" if request.GET.get("view") == "week" else "day"
    if view == "week":
        start = day - dt.timedelta(days=day.weekday())
        end = start + dt.timedelta(days=4)
    else:
        start = end = day
    data = selectors.board(request.user, start, end)
    step = 7 if view == "week" else 1
    return render(
        request,
        "worktime/board.html",
        {
            "board": data,
            "day": day,
            "view": view,
            "today": today,
            "previous": day - dt.timedelta(days=step),
            "following": day + dt.timedelta(days=step),
        },
    )


# --- the calendar feed ---


@login_required
def ical_settings(request):
    if request.method == "POST":
        feed.reset_calendar_feed(user=request.user)
        messages.success(
            request, _("Your calendar address was changed; the old one no longer works.")
        )
        return redirect("worktime:ical_settings")
    feed_row = feed.calendar_feed_for(request.user)
    url = request.build_absolute_uri(reverse("worktime:ical", args=[feed_row.token]))
    return render(request, "worktime/ical_settings.html", {"url": url})


def ical(request, token: str):
    """The personal feed: no sign-in (calendar apps cannot), the secret address is the key."""
    owner = feed.owner_of_feed(token)
    if owner is None:
        raise Http404
    body = feed.calendar_for(owner, today=clock.today())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response


# --- exports and statistics for the personnel office ---


@login_required
def export(request):
    if not can_export(request.user):
        raise PermissionDenied
    today = clock.today()
    start = _parse_date(request.GET.get("start"), today.replace(day=1))
    end = _parse_date(
        request.GET.get("end"),
        (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1),
    )
    fmt = request.GET.get("format")
    if fmt not in exports.FORMATS:
        return render(request, "worktime/export.html", {"start": start, "end": end})
    file = exports.arrangements_file(start=start, end=end, fmt=fmt)
    response = HttpResponse(file.content, content_type=file.content_type)
    response["Content-Disposition"] = f'attachment; filename="{file.filename}"'
    return response


@login_required
def stats(request):
    if not can_export(request.user):
        raise PermissionDenied
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = clock.today().year
    return render(request, "worktime/stats.html", {"year": year, **exports.year_figures(year)})


# --- closures ---


@login_required
def closure_list(request):
    if not can_manage_closures(request.user):
        raise PermissionDenied
    form = ClosureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        closure = closures.create_closure(actor=request.user, **form.cleaned_data)
        messages.success(request, _("Closure recorded: check the people and proposals below."))
        return redirect("worktime:closure_detail", pk=closure.pk)
    return render(
        request,
        "worktime/closures.html",
        {"form": form, "closures": closures.recent_closures()},
        status=400 if form.errors else 200,
    )


@login_required
def closure_detail(request, pk: int):
    if not can_manage_closures(request.user):
        raise PermissionDenied
    closure = get_object_or_404(Closure, pk=pk)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "contacts":
                ids = {int(x) for x in request.POST.getlist("contacts") if x.isdigit()}
                closures.set_close_contacts(closure=closure, person_ids=ids, actor=request.user)
                messages.success(request, _("Close contacts saved; proposals updated."))
            elif action == "extend":
                form = ExtendClosureForm(request.POST)
                if form.is_valid():
                    closures.extend_closure(
                        closure=closure, end_date=form.cleaned_data["end_date"], actor=request.user
                    )
                    messages.success(request, _("Closure extended; new days proposed."))
            elif action == "confirm":
                counts = closures.confirm_closure(closure=closure, actor=request.user)
                messages.success(
                    request,
                    _(
                        "Confirmed: %(people)d people told, %(bookings)d seat days, %(home)d home days."
                    )
                    % counts,
                )
        except DomainError as refusal:
            for message in refusal.messages:
                messages.error(request, message)
        return redirect("worktime:closure_detail", pk=pk)
    return render(
        request,
        "worktime/closure_detail.html",
        {
            "closure": closure,
            "extend_form": ExtendClosureForm(initial={"end_date": closure.end_date}),
            **closures.planner(closure),
        },
    )
