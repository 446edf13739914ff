"""Pages of the rpa app: uploads, preview, progress, self-check, the health team's answers."""

import contextlib
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_POST

from accounts import rate_limits
from accounts.roles import is_health_team
from core import clock
from core.errors import Invalid

from . import selectors, selfcheck_selectors, services
from .forms import CallForm, SelfCheckForm, UploadForm, parse_day
from .importer import SheetRefused
from .models import AccessLog, AgencyReport, Recipient, Upload
from .readiness import sender_problem
from .upload_handlers import receives_case_sheets

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def health_team_required(view):
    """Residents' data is for the health team and admins; everyone else gets 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_health_team(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@receives_case_sheets
@csrf_protect
@health_team_required
def uploads(request):
    posted = request.method == "POST"
    form = UploadForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        refusal=request.case_sheet_limit.refusal(),
    )
    if posted and form.is_valid():
        sheet = form.cleaned_data["file"]
        try:
            upload = services.create_upload(user=request.user, filename=sheet.name, data=sheet)
        except SheetRefused as refusal:
            form.add_error("file", refusal.message)
        else:
            return redirect("rpa:upload_detail", pk=upload.pk)
    today = clock.today()
    items = selectors.uploads_for_day(today)
    return render(
        request,
        "rpa/uploads.html",
        {
            "form": form,
            "uploads": items,
            "today": today,
            "sender_problem": sender_problem(),
            **_reports_context(today),
        },
        status=400 if form.errors else 200,
    )


def _reports_context(day) -> dict:
    reports = list(AgencyReport.objects.filter(day=day)[:5])
    pending = any(r.status == AgencyReport.Status.PENDING for r in reports)
    return {"reports": reports, "reports_pending": pending}


@health_team_required
def reports(request):
    """Today's agency reports: what the uploads page polls while one is being prepared."""
    return render(request, "rpa/_reports.html", _reports_context(clock.today()))


@health_team_required
def upload_detail(request, pk: int):
    upload = get_object_or_404(Upload, pk=pk)
    only_rejected = request.GET.get("show") == "rejected"
    page = selectors.preview_page(
        upload, only_rejected=only_rejected, page=request.GET.get("page") or 1
    )
    services.record_access(
        user=request.user,
        action=AccessLog.Action.VIEW,
        upload=upload,
        what=f"preview page {page.number}{' rejected' if only_rejected else ''}",
    )
    already = upload.recipients.filter(already_messaged_by__isnull=False).count()
    return render(
        request,
        "rpa/upload_detail.html",
        {
            "upload": upload,
            "page": page,
            "only_rejected": only_rejected,
            "already_messaged": already,
            "counts": selectors.message_counts(upload),
        },
    )


@health_team_required
def download_sheet(request, pk: int):
    upload = get_object_or_404(Upload, pk=pk, purged_at__isnull=True)
    services.record_access(
        user=request.user, action=AccessLog.Action.EXPORT, upload=upload, what="sheet with status"
    )
    response = HttpResponse(services.sheet_with_status(upload), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="upload-{upload.pk}-checked.xlsx"'
    return response


@require_POST
@health_team_required
def confirm(request, pk: int):
    upload = get_object_or_404(Upload, pk=pk)
    try:
        count = services.confirm_send(upload=upload, user=request.user)
    except services.SendRefused as refusal:
        messages.error(request, refusal.message)
        return redirect("rpa:upload_detail", pk=pk)
    messages.success(request, _("%(count)s messages are on their way.") % {"count": count})
    return redirect("rpa:progress", pk=pk)


def _progress_context(upload: Upload) -> dict:
    counts = selectors.message_counts(upload)
    total = counts["total"]
    waiting = counts["queued"] + counts["sending"]
    return {
        "upload": upload,
        "counts": counts,
        # Share of the batch that has left the queue (sent, delivered, failed or stopped).
        "percent": 100 * (total - waiting) // total if total else 100,
        "finished": selectors.is_finished(counts),
        "failures": selectors.failures(upload),
        "uncertain": selectors.uncertain_messages(upload),
        "channels": selectors.channel_counts(upload),
    }


@health_team_required
def progress(request, pk: int):
    upload = get_object_or_404(Upload, pk=pk)
    context = _progress_context(upload)
    if request.headers.get("HX-Request"):
        return render(request, "rpa/_progress.html", context)
    services.record_access(
        user=request.user, action=AccessLog.Action.VIEW, upload=upload, what="progress"
    )
    return render(request, "rpa/progress.html", context)


def _progress_action(request, pk: int, service, done: str):
    """A button on the progress page: run it, say what it did or why not, back to progress."""
    upload = get_object_or_404(Upload, pk=pk)
    try:
        count = service(upload=upload, user=request.user)
    except services.SendRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, done % {"count": count})
    return redirect("rpa:progress", pk=pk)


@require_POST
@health_team_required
def stop(request, pk: int):
    return _progress_action(
        request, pk, services.stop_sending, _("%(count)s messages were stopped.")
    )


@require_POST
@health_team_required
def resend_failed(request, pk: int):
    return _progress_action(
        request, pk, services.resend_failed, _("%(count)s messages are sent again.")
    )


@require_POST
@health_team_required
def lookup_uncertain(request, pk: int):
    return _progress_action(
        request,
        pk,
        services.lookup_uncertain,
        _("The SMS provider had %(count)s of these messages; they are marked sent."),
    )


@require_POST
@health_team_required
def resend_uncertain(request, pk: int):
    return _progress_action(
        request, pk, services.resend_uncertain, _("%(count)s messages are sent again.")
    )


@require_POST
@health_team_required
def request_report(request):
    services.request_agency_report(user=request.user, day=clock.today())
    messages.success(
        request, _("The agency report is being prepared; its link appears here when it is ready.")
    )
    return redirect("rpa:uploads")


@require_POST
@health_team_required
def retry_report(request, pk: int):
    report = get_object_or_404(AgencyReport, pk=pk)
    services.retry_agency_report(report=report)
    messages.success(
        request, _("The agency report is being prepared again; its link appears here when ready.")
    )
    return redirect("rpa:uploads")


@health_team_required
def download_report(request, pk: int):
    report = get_object_or_404(AgencyReport, pk=pk, status=AgencyReport.Status.READY)
    if not report.file:
        raise Http404
    services.record_access(
        user=request.user, action=AccessLog.Action.DOWNLOAD, what=f"agency report {report.day}"
    )
    return FileResponse(
        report.file.open("rb"),
        as_attachment=True,
        filename=f"agency-report-{report.day:%Y%m%d}.xlsx",
        content_type=XLSX,
    )


@health_team_required
def missing_checks(request):
    today = clock.today()
    people = selectors.missing_checks(today)
    services.record_access(
        user=request.user, action=AccessLog.Action.VIEW, what=f"missing self-checks {today}"
    )
    return render(request, "rpa/missing_checks.html", {"people": people, "today": today})


def _day_or_400(request):
    try:
        return parse_day(request.GET.get("day"), default=clock.today()), None
    except Invalid as problem:
        return None, HttpResponseBadRequest(problem.message)


@health_team_required
def self_checks(request):
    """The day's answers, flagged first, then the rest, then who has not answered."""
    day, refusal = _day_or_400(request)
    if refusal:
        return refusal
    answers = selfcheck_selectors.answers_of_day(day)
    services.record_access(
        user=request.user, action=AccessLog.Action.VIEW, what=f"self-checks {day}"
    )
    return render(
        request,
        "rpa/self_checks.html",
        {"answers": answers, "day": day, "limits": services.thresholds()},
    )


@health_team_required
def call_list(request):
    """Who still has not answered after the day's reminders, with the phone to call."""
    day, refusal = _day_or_400(request)
    if refusal:
        return refusal
    people = selfcheck_selectors.call_list(day)
    services.record_access(user=request.user, action=AccessLog.Action.VIEW, what=f"call list {day}")
    return render(
        request,
        "rpa/call_list.html",
        {
            "people": people,
            "day": day,
            "form": CallForm(),
            "reminder_times": selfcheck_selectors.reminder_times(),
            "reminders_done": selfcheck_selectors.reminders_done(day),
        },
    )


@require_POST
@health_team_required
def record_call(request, recipient_id: int):
    recipient = get_object_or_404(Recipient, pk=recipient_id, status=Recipient.Status.VALID)
    day, refusal = _day_or_400(request)
    if refusal:
        return refusal
    form = CallForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether the resident was reached, then save the call."))
    else:
        services.record_call(
            recipient=recipient,
            day=day,
            outcome=form.cleaned_data["outcome"],
            note=form.cleaned_data["note"],
            user=request.user,
        )
        messages.success(request, _("The call was recorded."))
    return redirect(f"{reverse('rpa:call_list')}?day={day.isoformat()}")


def _bad_link(request):
    """A self-check link that is not valid counts against the client's address.

    Only bad links count there: residents behind one carrier NAT, all answering at reminder
    time, are never stopped by what one address tries; an address guessing links is.
    """
    guessing = rate_limits.is_limited(
        request,
        group="rpa-selfcheck-bad-link",
        key="ip",  # config.client_address.client_address (RATELIMIT_IP_META_KEY)
        rate=f"{settings.RPA_SELFCHECK_BAD_LINKS_PER_HOUR}/h",
    )
    if guessing:
        return render(request, "rpa/selfcheck_rate_limited.html", {"bad_links": True}, status=429)
    return render(request, "rpa/selfcheck_invalid.html", status=404)


def _too_many_answers(request, recipient) -> bool:
    """Answers are counted per valid link: a form sent once a day needs few tries."""
    return rate_limits.is_limited(
        request,
        group="rpa-selfcheck-answers",
        key=lambda _group, _request: str(recipient.pk),
        rate=f"{settings.RPA_SELFCHECK_ANSWERS_PER_HOUR}/h",
        method="POST",
    )


def selfcheck(request, token: str):
    """The resident's one-page daily check, reached from the link in their text; no account."""
    recipient = services.recipient_for_token(token)
    if recipient is None:
        return _bad_link(request)
    if _too_many_answers(request, recipient):
        return render(request, "rpa/selfcheck_rate_limited.html", status=429)
    today = clock.today()
    done = recipient.selfchecks.filter(day=today).exists()
    form = SelfCheckForm(request.POST or None)
    if request.method == "POST" and not done and form.is_valid():
        with contextlib.suppress(services.SelfCheckAlreadySent):
            services.submit_selfcheck(
                recipient=recipient,
                temperature=form.cleaned_data["temperature"],
                symptoms=form.cleaned_data["symptoms"],
                day=today,
            )
        return redirect("rpa-selfcheck-done", token=token)
    if done:
        return redirect("rpa-selfcheck-done", token=token)
    return render(request, "rpa/selfcheck.html", {"form": form, "name": recipient.name})


def selfcheck_done(request, token: str):
    recipient = services.recipient_for_token(token)
    if recipient is None:
        return _bad_link(request)
    return render(request, "rpa/selfcheck_done.html", {"end": recipient.quarantine_end})
