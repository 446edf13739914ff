"""Pages of approvals: the inbox, a document, a new document, my documents, absences, web app."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST

from . import selectors, services
from .forms import AbsenceForm, ApproveForm, DocumentForm, ResubmitForm, ReturnForm
from .models import Attachment, Document


def client_label(request, channel: str = "web") -> str:
    """'web · Android · Chrome': which kind of client acted, without storing the raw agent."""
    agent = request.META.get("HTTP_USER_AGENT", "")
    device = next(
        (
            name
            for key, name in (
                ("iPhone", "iPhone"),
                ("iPad", "iPad"),
                ("Android", "Android"),
                ("Windows", "Windows"),
                ("Macintosh", "Mac"),
                ("Linux", "Linux"),
            )
            if key in agent
        ),
        "",
    )
    browser = next(
        (
            name
            for key, name in (
                ("SamsungBrowser", "Samsung Internet"),
                ("Edg/", "Edge"),
                ("Firefox/", "Firefox"),
                ("Chrome/", "Chrome"),
                ("Safari/", "Safari"),
                ("python-requests", "python-requests"),
                ("curl/", "curl"),
            )
            if key in agent
        ),
        "",
    )
    return " · ".join(part for part in (channel, device, browser) if part)[:120]


def is_verified(request) -> bool:
    """Approving needs an OTP-verified browser session, for substitutes too."""
    check = getattr(request.user, "is_verified", None)
    return bool(check and check())


def _refuse_unverified(request) -> bool:
    if is_verified(request):
        return False
    messages.error(
        request,
        _(
            "Approving needs a sign-in with a one-time code. Set up two-factor sign-in first, then sign in again."
        ),
    )
    return True


@login_required
def inbox(request):
    documents = selectors.inbox_for(request.user)
    page = Paginator(documents, 50).get_page(request.GET.get("page"))
    return render(request, "approvals/inbox.html", {"page": page, "documents": page.object_list})


@login_required
@require_POST
def bulk_approve(request):
    """Approve each selected routine document, reporting each one (desktop table)."""
    if _refuse_unverified(request):
        return redirect("approvals:inbox")
    ids = [int(pk) for pk in request.POST.getlist("documents") if pk.isdigit()][:100]
    if not ids:
        messages.warning(request, _("Select the documents to approve."))
        return redirect("approvals:inbox")
    found = {
        d.pk: d
        for d in selectors.visible_documents(request.user)
        .filter(pk__in=ids)
        .select_related("doc_type")
    }
    client = client_label(request)
    for pk in ids:
        document = found.get(pk)
        if document is None:
            continue
        if not document.doc_type.is_routine:
            messages.warning(
                request,
                _("%(title)s: not a routine document; open it to decide.")
                % {"title": document.title},
            )
            continue
        try:
            services.approve(document=document, actor=request.user, client=client)
        except (services.AlreadyDecided, PermissionDenied) as exc:
            messages.warning(request, f"{document.title}: {exc}")
        else:
            messages.success(request, _("%(title)s: approved.") % {"title": document.title})
    return redirect("approvals:inbox")


def _detail_context(request, document_id: int, **extra):
    try:
        detail = selectors.document_detail(user=request.user, document_id=document_id)
    except Document.DoesNotExist:
        raise Http404 from None
    context = {
        "detail": detail,
        "document": detail.document,
        "verified": is_verified(request),
        "approve_form": ApproveForm(),
        "return_form": ReturnForm(),
        "resubmit_form": ResubmitForm(
            initial={"title": detail.document.title, "body": detail.document.body}
        ),
        "return_open": False,
    }
    context.update(extra)
    return context


@login_required
def detail(request, document_id: int):
    return render(request, "approvals/detail.html", _detail_context(request, document_id))


def _visible_or_404(request, document_id: int) -> Document:
    return get_object_or_404(selectors.visible_documents(request.user), pk=document_id)


def _refused(request, document_id: int, exc: PermissionDenied):
    """The document again with the reason the person may not decide it, as a 403."""
    messages.error(request, str(exc))
    return render(
        request, "approvals/detail.html", _detail_context(request, document_id), status=403
    )


@login_required
@require_POST
def approve(request, document_id: int):
    document = _visible_or_404(request, document_id)
    if _refuse_unverified(request):
        return redirect("approvals:detail", document_id)
    form = ApproveForm(request.POST)
    form.is_valid()
    try:
        services.approve(
            document=document,
            actor=request.user,
            comment=form.cleaned_data.get("comment", ""),
            client=client_label(request),
        )
    except services.AlreadyDecided as exc:
        messages.warning(request, str(exc))
        return redirect("approvals:detail", document_id)
    except PermissionDenied as exc:
        return _refused(request, document_id, exc)
    messages.success(request, _("Approved."))
    return redirect("approvals:inbox")


@login_required
@require_POST
def return_(request, document_id: int):
    document = _visible_or_404(request, document_id)
    if _refuse_unverified(request):
        return redirect("approvals:detail", document_id)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        context = _detail_context(request, document_id, return_form=form, return_open=True)
        return render(request, "approvals/detail.html", context, status=400)
    try:
        services.return_(
            document=document,
            actor=request.user,
            reason=form.cleaned_data["reason"],
            client=client_label(request),
        )
    except services.AlreadyDecided as exc:
        messages.warning(request, str(exc))
        return redirect("approvals:detail", document_id)
    except PermissionDenied as exc:
        return _refused(request, document_id, exc)
    messages.success(request, _("Returned to the applicant."))
    return redirect("approvals:inbox")


@login_required
@require_POST
def withdraw(request, document_id: int):
    document = _visible_or_404(request, document_id)
    try:
        services.withdraw(document=document, actor=request.user, client=client_label(request))
    except services.AlreadyDecided as exc:
        messages.warning(request, str(exc))
    else:
        messages.success(request, _("Withdrawn."))
    return redirect("approvals:detail", document_id)


@login_required
@require_POST
def resubmit(request, document_id: int):
    document = _visible_or_404(request, document_id)
    form = ResubmitForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("A title is required."))
        return redirect("approvals:detail", document_id)
    try:
        services.resubmit(
            document=document,
            actor=request.user,
            title=form.cleaned_data["title"],
            body=form.cleaned_data["body"],
            client=client_label(request),
        )
    except (services.AlreadyDecided, services.LineError) as exc:
        messages.warning(request, str(exc))
    else:
        messages.success(request, _("Resubmitted."))
    return redirect("approvals:detail", document_id)


@login_required
def new(request):
    form = DocumentForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            document = services.submit(
                applicant=request.user,
                doc_type=data["doc_type"].code,
                title=data["title"],
                body=data["body"],
                reviewers=list(data["reviewers"]),
                cooperators=list(data["cooperators"]),
                attachments=data["attachments"],
                client=client_label(request),
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        except services.AlreadyDecided as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Submitted for approval."))
            return redirect("approvals:detail", document.pk)
    return render(request, "approvals/new.html", {"form": form, **_line_context(request, form)})


def _line_context(request, form) -> dict:
    source = request.POST if request.method == "POST" else request.GET
    code = source.get("doc_type") or "general"
    reviewers = [pk for pk in source.getlist("reviewers") if pk.isdigit()]
    cooperators = [pk for pk in source.getlist("cooperators") if pk.isdigit()]
    try:
        steps = services.preview_line(
            applicant=request.user,
            doc_type=code,
            reviewers=reviewers,
            cooperators=cooperators,
        )
        return {"line": steps, "line_error": ""}
    except ValidationError as exc:
        return {"line": [], "line_error": exc.messages[0]}


@login_required
@require_GET
def line_preview(request):
    """The line as it would be with the choices made so far (htmx fragment)."""
    return render(request, "approvals/_line_preview.html", _line_context(request, None))


@login_required
def sent(request):
    page = Paginator(selectors.sent_by(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "approvals/sent.html", {"page": page})


@login_required
def absences(request):
    form = AbsenceForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_absence(approver=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Your substitute is set."))
            return redirect("approvals:absences")
    return render(
        request,
        "approvals/absences.html",
        {"form": form, "absences": selectors.absences_of(request.user)},
        status=400 if form.errors else 200,
    )


@login_required
def attachment(request, document_id: int, attachment_id: int):
    document = _visible_or_404(request, document_id)
    item = get_object_or_404(Attachment, pk=attachment_id, document=document)
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.name)


@cache_control(public=True, max_age=3600)
def offline(request):
    """The page the service worker shows without a network: the same for everyone."""
    return render(request, "approvals/offline.html")


@cache_control(public=True, max_age=3600)
def manifest(request):
    response = render(
        request, "approvals/manifest.webmanifest", content_type="application/manifest+json"
    )
    return response


@cache_control(no_cache=True)
def service_worker(request):
    response = render(request, "approvals/sw.js", content_type="text/javascript")
    # The worker controls the whole site, though its file is served from the root anyway.
    response["Service-Worker-Allowed"] = "/"
    return response
