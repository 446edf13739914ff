"""Pages of approvals: the inbox, a document, a new document, my documents, absences, web app."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST

from core.errors import DomainError, NotAllowed

from . import selectors, services
from .clients import client_label, passed_one_time_code
from .forms import AbsenceForm, ApproveForm, DocumentForm, ResubmitForm, ReturnForm
from .models import Attachment, Document


def _refuse_unverified(request) -> bool:
    if passed_one_time_code(request.user):
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
    ids = [int(pk) for pk in request.POST.getlist("documents") if pk.isdigit()]
    if not ids:
        messages.warning(request, _("Select the documents to approve."))
        return redirect("approvals:inbox")
    outcome = services.approve_many(
        document_ids=ids, actor=request.user, client=client_label(request)
    )
    for document, refusal in outcome.outcomes:
        if refusal is None:
            messages.success(request, _("%(title)s: approved.") % {"title": document.title})
        else:
            messages.warning(request, f"{document.title}: {refusal}")
    return redirect("approvals:inbox")


def _detail_context(request, document_id: int, **extra):
    try:
        detail = selectors.document_detail(user=request.user, document_id=document_id)
    except Document.DoesNotExist:
        raise Http404 from None
    context = {
        "detail": detail,
        "document": detail.document,
        "verified": passed_one_time_code(request.user),
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


def _refused(request, document_id: int, refusal: NotAllowed):
    """The document again with the reason the person may not decide it, as a 403."""
    messages.error(request, str(refusal))
    return render(
        request, "approvals/detail.html", _detail_context(request, document_id), status=403
    )


def _decision(request, document_id: int, decide, *, done: str, then: str):
    """Run a decision and say how it went. Not this person's to do: the document again, as
    a 403; the document moved on meanwhile (a second tap): a warning on the document."""
    try:
        decide()
    except NotAllowed as refusal:
        return _refused(request, document_id, refusal)
    except DomainError as refusal:
        messages.warning(request, str(refusal))
        return redirect("approvals:detail", document_id)
    messages.success(request, done)
    return redirect(then)


@login_required
@require_POST
def approve(request, document_id: int):
    document = _visible_or_404(request, document_id)
    if _refuse_unverified(request):
        return redirect("approvals:detail", document_id)
    form = ApproveForm(request.POST)
    form.is_valid()
    return _decision(
        request,
        document_id,
        lambda: services.approve(
            document=document,
            actor=request.user,
            comment=form.cleaned_data.get("comment", ""),
            client=client_label(request),
        ),
        done=_("Approved."),
        then=reverse("approvals:inbox"),
    )


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
    return _decision(
        request,
        document_id,
        lambda: services.return_(
            document=document,
            actor=request.user,
            reason=form.cleaned_data["reason"],
            client=client_label(request),
        ),
        done=_("Returned to the applicant."),
        then=reverse("approvals:inbox"),
    )


@login_required
@require_POST
def withdraw(request, document_id: int):
    document = _visible_or_404(request, document_id)
    return _decision(
        request,
        document_id,
        lambda: services.withdraw(
            document=document, actor=request.user, client=client_label(request)
        ),
        done=_("Withdrawn."),
        then=reverse("approvals:detail", args=[document_id]),
    )


@login_required
@require_POST
def resubmit(request, document_id: int):
    document = _visible_or_404(request, document_id)
    form = ResubmitForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("A title is required."))
        return redirect("approvals:detail", document_id)
    return _decision(
        request,
        document_id,
        lambda: services.resubmit(
            document=document,
            actor=request.user,
            title=form.cleaned_data["title"],
            body=form.cleaned_data["body"],
            client=client_label(request),
        ),
        done=_("Resubmitted."),
        then=reverse("approvals:detail", args=[document_id]),
    )


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
        except DomainError as refusal:
            refusal.add_to(form)
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
        steps = selectors.preview_line(
            applicant=request.user,
            doc_type=code,
            reviewers=reviewers,
            cooperators=cooperators,
        )
        return {"line": steps, "line_error": ""}
    except DomainError as refusal:
        return {"line": [], "line_error": refusal.message}


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
        except DomainError as refusal:
            refusal.add_to(form)
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
