"""Everything that changes an approval document: submit, approve, return (반려), withdraw (회수).

Every transition is one transaction that locks the document row first, so two taps, two
approvers or a retry after a lost response serialise on that lock: the second finds the
document moved on and gets `AlreadyDecided`. Database constraints back this up.
Transitions take `now` (the clock by default), so a test says the moment it means.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core import clock
from core.errors import DomainError

from . import history, routing, selectors

# The refusals and the line preview are part of this face: other apps catch
# `approvals.services.AlreadyDecided` and `LineError`, and preview before they submit.
from .errors import (  # noqa: F401
    AlreadyDecided,
    AlreadySubmitted,
    InvalidInput,
    LineError,
    NotRoutine,
    NotYourTurn,
    OwnDocument,
    TooLateToWithdraw,
)
from .models import Absence, Action, ApprovalStep, Attachment, Document
from .notices import tell_outcome

# Beat's reminders live in `reminders`; callers that know the name here keep finding it.
from .reminders import send_due_reminders  # noqa: F401
from .selectors import preview_line
from .signals import Outcome, document_decided, document_resubmitted

if TYPE_CHECKING:
    from accounts.models import User

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
# How many documents one bulk approval takes (the inbox's page holds 50).
MAX_BULK_APPROVAL = 100


def _lock(document: Document | int) -> Document:
    pk = document.pk if isinstance(document, Document) else document
    return (
        Document.objects.select_for_update(of=("self",))
        .select_related("doc_type", "applicant")
        .get(pk=pk)
    )


def _clean_facts(facts) -> list[list[str]]:
    """(label, value) pairs as strings; a missing value is empty."""
    return [[str(label), "" if value is None else str(value)] for label, value in facts or ()]


def _start_round(document: Document, line: list[ApprovalStep], now: datetime) -> None:
    """Save the round's line and open its first group."""
    for step in line:
        step.document, step.round = document, document.round
    ApprovalStep.objects.bulk_create(line)
    # bulk_create leaves related objects as given; reload to have ids and people together.
    steps = list(
        ApprovalStep.objects.filter(document=document, round=document.round).select_related(
            "approver", "acting_for"
        )
    )
    routing.open_next_group(document, steps, now=now, today=clock.today(now))


@transaction.atomic
def submit(
    *,
    applicant: User,
    doc_type: str,
    title: str,
    body: str = "",
    facts: Sequence = (),
    subject=None,
    span_days: int = 1,
    reviewers: Sequence = (),
    cooperators: Sequence = (),
    attachments: Sequence = (),
    client: str = "web",
    now: datetime | None = None,
) -> Document:
    """Submit a document for approval: build its line, open the first step, tell the approver."""
    now = now or clock.now()
    dtype = selectors.document_type(doc_type)
    title = (title or "").strip()
    if not title:
        raise InvalidInput(_("A title is required."), field="title")
    attachments = list(attachments or ())
    if attachments and not dtype.allow_attachments:
        raise InvalidInput(_("This type of document does not take attachments."))
    for upload in attachments:
        if upload.size > MAX_ATTACHMENT_BYTES:
            raise InvalidInput(
                _("%(name)s is larger than 10 MB.") % {"name": getattr(upload, "name", "")}
            )
    line = preview_line(
        applicant=applicant,
        doc_type=dtype,
        span_days=span_days,
        reviewers=reviewers,
        cooperators=cooperators,
        today=clock.today(now),
    )
    document = Document(
        doc_type=dtype,
        title=title[:200],
        body=body or "",
        facts=_clean_facts(facts),
        applicant=applicant,
        status=Document.Status.PENDING,
        span_days=span_days,
        created_at=now,
        submitted_at=now,
    )
    if subject is not None:
        document.subject_type = ContentType.objects.get_for_model(subject)
        document.subject_id = subject.pk
    try:
        with transaction.atomic():
            document.save()
    except IntegrityError:
        raise AlreadySubmitted(
            _("A document for this request is already waiting for approval.")
        ) from None
    _start_round(document, line, now)
    for upload in attachments:
        Attachment.objects.create(
            document=document,
            file=upload,
            name=getattr(upload, "name", "file")[:200],
            size=upload.size or 0,
        )
    history.record(
        document,
        kind=Action.Kind.SUBMITTED,
        actor=applicant,
        capacity=Action.Capacity.APPLICANT,
        client=client,
        now=now,
    )
    return document


def _round_steps(document: Document) -> list[ApprovalStep]:
    return list(
        ApprovalStep.objects.select_for_update(of=("self",))
        .filter(document=document, round=document.round)
        .select_related("approver", "acting_for")
        .order_by("order", "pk")
    )


def _decide_step(
    step: ApprovalStep, actor: User, acting_for: User | None, status: str, now: datetime
) -> None:
    step.approver = actor
    step.acting_for = acting_for
    step.status = status
    step.decided_at = now
    step.save(update_fields=["approver", "acting_for", "status", "decided_at"])


def _close(document: Document, status: str, steps: list[ApprovalStep], now: datetime) -> None:
    for step in steps:
        if step.status in (ApprovalStep.Status.WAITING, ApprovalStep.Status.PENDING):
            step.status = ApprovalStep.Status.SKIPPED
            step.save(update_fields=["status"])
    document.status = status
    document.decided_at = now
    document.save(update_fields=["status", "decided_at"])


def _decide(
    document: Document,
    actor: User,
    status: str,
    kind: str,
    *,
    comment: str,
    client: str,
    now: datetime,
):
    """Lock the document, decide the step waiting for `actor` and record it in the history."""
    document = _lock(document)
    steps = _round_steps(document)
    step, acting_for = routing.step_for(document, steps, actor, today=clock.today(now))
    _decide_step(step, actor, acting_for, status, now)
    history.record(
        document,
        kind=kind,
        actor=actor,
        capacity=history.capacity_of(step),
        step=step,
        acting_for=acting_for,
        comment=comment,
        client=client,
        now=now,
    )
    return document, steps, step


@transaction.atomic
def approve(
    *,
    document: Document,
    actor: User,
    comment: str = "",
    client: str = "web",
    now: datetime | None = None,
) -> Document:
    """Approve the step waiting for `actor` (or for the person they stand in for)."""
    now = now or clock.now()
    document, steps, step = _decide(
        document,
        actor,
        ApprovalStep.Status.APPROVED,
        Action.Kind.APPROVED,
        comment=(comment or "").strip(),
        client=client,
        now=now,
    )
    open_in_group = [
        s for s in steps if s.order == step.order and s.status == ApprovalStep.Status.PENDING
    ]
    if open_in_group:
        return document
    if step.kind == ApprovalStep.Kind.FINAL or not routing.open_next_group(
        document, steps, now=now, today=clock.today(now)
    ):
        _close(document, Document.Status.APPROVED, steps, now)
        document_decided.send(sender=Document, document=document, outcome=Outcome.APPROVED)
        tell_outcome(document, "approved")
    return document


@dataclass
class BulkApproval:
    """A bulk approval, document by document in the order asked: None where it was approved,
    else the refusal (not routine, decided meanwhile, not this person's turn)."""

    outcomes: list[tuple[Document, DomainError | None]] = field(default_factory=list)

    @property
    def approved(self) -> list[Document]:
        return [document for document, refusal in self.outcomes if refusal is None]

    @property
    def refused(self) -> list[tuple[Document, DomainError]]:
        return [(document, refusal) for document, refusal in self.outcomes if refusal]


def approve_many(
    *,
    document_ids: Iterable[int],
    actor: User,
    client: str = "web",
    now: datetime | None = None,
) -> BulkApproval:
    """Approve, in the order given, each routine document waiting for `actor`.

    Only routine types (`DocumentType.is_routine`) go in bulk; the others are opened and
    decided one by one. Each approval is its own transaction, so one refusal stops none of the
    rest. Documents the person may not see are left out as if they did not exist; at most
    MAX_BULK_APPROVAL are taken.
    """
    now = now or clock.now()
    ids = list(document_ids)[:MAX_BULK_APPROVAL]
    found = selectors.visible_documents(actor, today=clock.today(now)).filter(pk__in=ids)
    by_id = {document.pk: document for document in found.select_related("doc_type")}
    outcome = BulkApproval()
    for document in (by_id[pk] for pk in ids if pk in by_id):
        refusal = None
        try:
            if not document.doc_type.is_routine:
                raise NotRoutine()
            approve(document=document, actor=actor, client=client, now=now)
        except DomainError as error:
            refusal = error
        outcome.outcomes.append((document, refusal))
    return outcome


@transaction.atomic
def return_(
    *,
    document: Document,
    actor: User,
    reason: str,
    client: str = "web",
    now: datetime | None = None,
) -> Document:
    """Return the document to the applicant with a reason (반려); the round ends."""
    now = now or clock.now()
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Say why the document is returned."), field="reason")
    document, steps, _step = _decide(
        document,
        actor,
        ApprovalStep.Status.RETURNED,
        Action.Kind.RETURNED,
        comment=reason,
        client=client,
        now=now,
    )
    _close(document, Document.Status.RETURNED, steps, now)
    document_decided.send(sender=Document, document=document, outcome=Outcome.RETURNED)
    tell_outcome(document, "returned", reason)
    return document


@transaction.atomic
def withdraw(
    *, document: Document, actor: User, client: str = "web", now: datetime | None = None
) -> Document:
    """The applicant takes the document back (회수) while nobody has acted on it yet."""
    now = now or clock.now()
    document = _lock(document)
    if document.applicant_id != actor.pk:
        raise NotYourTurn(_("Only the applicant can withdraw a document."))
    if document.status != Document.Status.PENDING:
        raise AlreadyDecided(_("This document is no longer pending."))
    steps = _round_steps(document)
    if any(s.status in (ApprovalStep.Status.APPROVED, ApprovalStep.Status.RETURNED) for s in steps):
        raise TooLateToWithdraw(
            _("An approver has already acted on this document; it can no longer be withdrawn.")
        )
    history.record(
        document,
        kind=Action.Kind.WITHDRAWN,
        actor=actor,
        capacity=Action.Capacity.APPLICANT,
        client=client,
        now=now,
    )
    _close(document, Document.Status.WITHDRAWN, steps, now)
    document_decided.send(sender=Document, document=document, outcome=Outcome.WITHDRAWN)
    return document


@transaction.atomic
def resubmit(
    *,
    document: Document,
    actor: User,
    title: str | None = None,
    body: str | None = None,
    facts: Sequence | None = None,
    span_days: int | None = None,
    client: str = "web",
    now: datetime | None = None,
) -> Document:
    """Start a new round of a returned document, revised; earlier rounds stay in the history.

    `span_days` is the revised request's length, when it changed: the line follows it (전결).
    """
    now = now or clock.now()
    document = _lock(document)
    if document.applicant_id != actor.pk:
        raise NotYourTurn(_("Only the applicant can resubmit a document."))
    if document.status != Document.Status.RETURNED:
        raise AlreadyDecided(_("Only a returned document can be resubmitted."))
    previous = list(
        ApprovalStep.objects.filter(
            document=document, round=document.round, added_by_applicant=True
        ).order_by("order", "pk")
    )
    reviewers = [s.acting_for_id or s.approver_id for s in previous if s.kind == "review"]
    cooperators = [s.acting_for_id or s.approver_id for s in previous if s.kind == "cooperate"]
    if span_days is not None:
        document.span_days = span_days
    line = preview_line(
        applicant=actor,
        doc_type=document.doc_type,
        span_days=document.span_days,
        reviewers=reviewers,
        cooperators=cooperators,
        today=clock.today(now),
    )
    if title is not None:
        if not title.strip():
            raise InvalidInput(_("A title is required."), field="title")
        document.title = title.strip()[:200]
    if body is not None:
        document.body = body
    if facts is not None:
        document.facts = _clean_facts(facts)
    document.round += 1
    document.status = Document.Status.PENDING
    document.submitted_at = now
    document.decided_at = None
    try:
        with transaction.atomic():
            document.save()
    except IntegrityError:
        raise AlreadySubmitted(
            _("A document for this request is already waiting for approval.")
        ) from None
    _start_round(document, line, now)
    history.record(
        document,
        kind=Action.Kind.RESUBMITTED,
        actor=actor,
        capacity=Action.Capacity.APPLICANT,
        client=client,
        now=now,
    )
    document_resubmitted.send(sender=Document, document=document)
    return document


@transaction.atomic
def record_approved_by_order(
    *,
    applicant: User,
    doc_type: str,
    title: str,
    facts: Sequence = (),
    subject=None,
    order: str,
    actor: User,
    now: datetime | None = None,
) -> Document:
    """A document that is approved from the start because an order decided it (e.g. a closure)."""
    now = now or clock.now()
    dtype = selectors.document_type(doc_type)
    document = Document(
        doc_type=dtype,
        title=(title or "").strip()[:200] or dtype.name,
        facts=_clean_facts(facts),
        applicant=applicant,
        status=Document.Status.APPROVED,
        created_at=now,
        submitted_at=now,
        decided_at=now,
    )
    if subject is not None:
        document.subject_type = ContentType.objects.get_for_model(subject)
        document.subject_id = subject.pk
    document.save()
    history.record(
        document,
        kind=Action.Kind.APPROVED_BY_ORDER,
        actor=actor,
        capacity=Action.Capacity.ORDER,
        comment=order,
        client="system",
        now=now,
    )
    document_decided.send(sender=Document, document=document, outcome=Outcome.APPROVED)
    tell_outcome(document, "approved")
    return document


@transaction.atomic
def set_absence(
    *,
    approver: User,
    substitute: User,
    start_date: date,
    end_date: date,
    now: datetime | None = None,
) -> Absence:
    """Record an approver's absence; their items go to the substitute meanwhile (대결)."""
    if substitute.pk == approver.pk:
        raise InvalidInput(
            _("Name someone other than yourself as your substitute."), field="substitute"
        )
    if end_date < start_date:
        raise InvalidInput(_("The end date is before the start date."), field="end_date")
    if not substitute.is_active:
        raise InvalidInput(_("This person cannot act as a substitute."), field="substitute")
    try:
        with transaction.atomic():
            absence = Absence.objects.create(
                approver=approver, substitute=substitute, start_date=start_date, end_date=end_date
            )
    except IntegrityError:
        raise InvalidInput(
            _("You already have an absence in these dates; end it or choose other dates.")
        ) from None
    if start_date <= clock.today(now) <= end_date:
        routing.hand_over_waiting_steps(absence)
    return absence
