"""What approvals tells people about a document, each thing once per round (SentNotice)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.notifications import notify

from .models import ApprovalStep, Document, SentNotice

if TYPE_CHECKING:
    from accounts.models import User


def _detail_url(document: Document) -> str:
    return reverse("approvals:detail", args=[document.pk])


def notice_once(
    *,
    document: Document,
    kind: str,
    recipient: User,
    title: str,
    body: str = "",
    step: ApprovalStep | None = None,
) -> bool:
    """Tell a person something about a document unless they were told it already."""
    with transaction.atomic():
        _created_notice, created = SentNotice.objects.get_or_create(
            document=document, round=document.round, kind=kind, recipient=recipient, step=step
        )
        if created:
            notify(recipient=recipient, title=title, body=body, url=_detail_url(document))
    return created


def tell_waiting(document: Document, step: ApprovalStep, recipient: User | None = None) -> bool:
    """Tell the approver (or who decides for them) that a document waits for them."""
    with translation.override(settings.LANGUAGE_CODE):
        return notice_once(
            document=document,
            kind=SentNotice.Kind.WAITING,
            recipient=recipient or step.approver,
            step=step,
            title=_("Waiting for your approval: %(title)s") % {"title": document.title},
            body=_("%(applicant)s · %(type)s")
            % {"applicant": document.applicant, "type": document.doc_type},
        )


def tell_outcome(document: Document, outcome: str, reason: str = "") -> None:
    """Tell the applicant their document was approved or returned (with the reason)."""
    with translation.override(settings.LANGUAGE_CODE):
        if outcome == "approved":
            title = _("Approved: %(title)s") % {"title": document.title}
        else:
            title = _("Returned: %(title)s") % {"title": document.title}
        notice_once(
            document=document,
            kind=SentNotice.Kind.OUTCOME,
            recipient=document.applicant,
            title=title,
            body=reason,
        )
