"""Pages of the rpa app: today's uploads, preview, progress, self-check, missing checks."""

import contextlib
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_ratelimit import ALL
from django_ratelimit.core import is_ratelimited

from accounts.roles import is_health_team

from . import selectors, services
from .forms import SelfCheckForm, UploadForm
from .importer import SheetRefused
from .models import AccessLog, AgencyReport, Upload

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


@health_team_required
def uploads(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        sheet = form.cleaned_data["file"]
        try:
            upload = services.create_upload(
                user=request.user, filename=sheet.name, data=sheet.read()
            )
        except SheetRefused as refusal:
            form.add_error("file", str(refusal))
        else:
            return redirect("rpa:upload_detail", pk=upload.pk)
    today = timezone.localdate()
    items = selectors.uploads_for_day(today)
    return render(
        request,
        "rpa/uploads.html",
        {"form": form, "uploads": items, "today": today, **_reports_context(today)},
        status=400 if form.errors else 200,
    )


def _reports_context(day) -> dict:
    reports = list(AgencyReport.objects.filter(day=day)[:5])
    pending = any(r.status == AgencyReport.Status.PENDING for r in reports)
    return {"reports": reports, "reports_pending": pending}


@health_team_required
def reports(request):
    """Today's agency reports: what the uploads page polls while one is being prepared."""
    return render(request, "rpa/_reports.html", _reports_context(timezone.localdate()))


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
    services.request_agency_report(user=request.user, day=timezone.localdate())
    messages.success(
        request, _("The agency report is being prepared; its link appears here when it is ready.")
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
    today = timezone.localdate()
    people = selectors.missing_checks(today)
    services.record_access(
        user=request.user, action=AccessLog.Action.VIEW, what=f"missing self-checks {today}"
    )
    return render(request, "rpa/missing_checks.html", {"people": people, "today": today})


def _selfcheck_rate_limited(request, token: str) -> bool:
    """Bound what one link and one address may send: a form filled once a day needs few tries.

    Residents on mobile networks share addresses behind carrier NAT, so the per-address limit
    is generous; the per-link limit is the tight one.
    """
    per_link = is_ratelimited(
        request,
        group="rpa-selfcheck-link",
        key=lambda _group, _request: token,
        rate="30/h",
        method="POST",
        increment=True,
    )
    per_address = is_ratelimited(
        request, group="rpa-selfcheck-ip", key="ip", rate="600/h", method=ALL, increment=True
    )
    return per_link or per_address


def selfcheck(request, token: str):
    """The resident's one-page daily check, reached from the link in their text; no account."""
    if _selfcheck_rate_limited(request, token):
        return render(request, "rpa/selfcheck_rate_limited.html", status=429)
    recipient = services.recipient_for_token(token)
    if recipient is None:
        return render(request, "rpa/selfcheck_invalid.html", status=404)
    today = timezone.localdate()
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
        return render(request, "rpa/selfcheck_invalid.html", status=404)
    return render(request, "rpa/selfcheck_done.html", {"end": recipient.quarantine_end})
