"""Pages of 근무상황: my records, record leave or a trip, one record, the personnel import."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from approvals import selectors as approvals
from core import clock
from core.errors import DomainError
from core.workdays import work_calendar

from ..access import can_import_away
from . import rules, selectors, services
from .forms import AwayForm, ImportForm

# A previewed personnel file waits this long for its "record" click.
IMPORT_PREVIEW_SECONDS = 30 * 60


def _line(user):
    try:
        return approvals.preview_line(applicant=user, doc_type=services.DOC_AWAY, span_days=1)
    except Exception:  # noqa: BLE001 - a preview must never break the form
        return None


@login_required
def away_list(request):
    return render(
        request,
        "worktime/away_list.html",
        {"records": selectors.records_of(request.user), "today": clock.today()},
    )


@login_required
def away_new(request):
    form = AwayForm(request.POST or None, initial={"start_date": clock.today()})
    if request.method == "POST" and form.is_valid():
        try:
            record = services.record_away(
                person=request.user, client="web", **form.as_service_fields()
            )
        except DomainError as refusal:
            refusal.add_to(form)
        else:
            if record.approval_id:
                messages.success(request, _("Your record was sent for approval."))
            else:
                messages.success(request, _("Recorded."))
            return redirect("worktime:away_detail", pk=record.pk)
    return render(
        request,
        "worktime/away_new.html",
        {
            "form": form,
            "kinds": selectors.kinds_offered(),
            "line": _line(request.user),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
def away_detail(request, pk: int):
    record = selectors.record_for(request.user, pk)
    if record is None:
        raise Http404
    today = clock.today()
    days, skipped = rules.covered_days(
        record.start_date, record.end_date, work_calendar(record.start_date, record.end_date)
    )
    offer_day = next((d for d in days if d >= today), None)
    offers = (
        selectors.centers_near_trip(record, offer_day)
        if offer_day is not None and record.counts
        else []
    )
    return render(
        request,
        "worktime/away_detail.html",
        {
            "record": record,
            "days": days,
            "skipped": skipped,
            "offers": offers,
            "offer_day": offer_day,
            "can_cancel": record.can_cancel_on(today),
        },
    )


def _act(request, pk: int, action, done: str):
    record = selectors.record_for(request.user, pk)
    if record is None:
        raise Http404
    try:
        action(record)
    except DomainError as refusal:
        for message in refusal.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect("worktime:away_detail", pk=pk)


@login_required
@require_POST
def away_withdraw(request, pk: int):
    return _act(
        request,
        pk,
        lambda record: services.withdraw_away(record=record, actor=request.user, client="web"),
        _("The record was withdrawn."),
    )


@login_required
@require_POST
def away_cancel(request, pk: int):
    return _act(
        request,
        pk,
        lambda record: services.cancel_away(record=record, actor=request.user, today=clock.today()),
        _("The record was cancelled."),
    )


def _preview_key(request, token: str) -> str:
    return f"worktime:away-import:{request.user.pk}:{token}"


@login_required
def away_import(request):
    """Preview a personnel export row by row, then record its valid rows with one click."""
    if not can_import_away(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    context: dict = {"form": form}
    status = 200
    if request.method == "POST" and request.POST.get("token"):
        token = request.POST["token"]
        payload = cache.get(_preview_key(request, token))
        if payload is None:
            messages.error(request, _("The preview has expired; upload the file again."))
            return redirect("worktime:away_import")
        try:
            report = services.import_personnel_csv(payload=payload, commit=True)
        except rules.FileRefused as refused:
            messages.error(request, str(refused))
            return redirect("worktime:away_import")
        cache.delete(_preview_key(request, token))
        messages.success(
            request,
            _(
                "%(recorded)s records added; %(already)s were already there; %(refused)s rows refused."
            )
            % {
                "recorded": report.recorded,
                "already": report.already,
                "refused": len(report.refused),
            },
        )
        context.update(report=report, committed=True, form=ImportForm())
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > rules.MAX_BYTES:
            form.add_error("file", _("The file is larger than 5 MB; export a shorter period."))
            status = 400
        else:
            payload = upload.read()
            try:
                report = services.import_personnel_csv(payload=payload, commit=False)
            except rules.FileRefused as refused:
                form.add_error("file", str(refused))
                status = 400
            else:
                token = secrets.token_urlsafe(16)
                cache.set(_preview_key(request, token), payload, IMPORT_PREVIEW_SECONDS)
                context.update(report=report, token=token)
    elif form.is_bound:
        status = 400
    return render(request, "worktime/away_import.html", context, status=status)
