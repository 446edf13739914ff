"""Everything that changes an approval document: submit, approve, return (반려), withdraw (회수).

Every transition is one transaction that locks the document row first, so two taps, two
approvers or a retry after a lost response serialise on that lock: the second finds the
document moved on and gets `AlreadyDecided`. Database constraints back this up.
"""

from collections.abc import Iterable, Sequence
from datetime import date, datetime

import holidays
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.notifications import notify
from accounts.selectors import approver_chain

from . import rules
from .defaults import ensure_type
from .models import (
    Absence,
    Action,
    ApprovalStep,
    Attachment,
    Document,
    DocumentType,
    SentNotice,
)
from .signals import document_decided, document_resubmitted
from .substitutes import absences_on, stand_in_for, stand_ins_on, substitutes_on

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


class LineError(ValidationError):
    """No line can be built (no approver found, or an addition the rules do not allow)."""

    def __str__(self) -> str:
        return self.messages[0]


class AlreadyDecided(Exception):
    """The document no longer waits for this person (decided, withdrawn, or moved on)."""

    def __init__(self, message: str = ""):
        super().__init__(message or _("This document no longer waits for you."))
        self.message = str(self.args[0])

    def __str__(self) -> str:
        return self.message


class AlreadySubmitted(AlreadyDecided):
    """A pending document for the same request already exists."""


class TooLateToWithdraw(AlreadyDecided):
    """Someone has acted on the document, so the applicant can no longer withdraw it (회수)."""


class NotYourTurn(PermissionDenied):
    """The person is not (or not yet) in a position to act on the document."""


class OwnDocument(NotYourTurn):
    """Nobody decides their own document, whatever line, absence or page they come through."""

    def __init__(self):
        super().__init__(_("You cannot approve or return a document you applied for."))


# ---------------------------------------------------------------------------------------------
# Lines


def _doc_type(code: str | DocumentType) -> DocumentType:
    if isinstance(code, DocumentType):
        return code
    try:
        return DocumentType.objects.get(code=code)
    except DocumentType.DoesNotExist:
        found = ensure_type(code)
        if found is not None:
            return found
        raise ValidationError(_("Unknown document type: %(code)s") % {"code": code}) from None


def _rule(doc_type: DocumentType) -> rules.LineRule:
    return rules.LineRule(
        levels=doc_type.levels,
        delegated_max_days=doc_type.delegated_max_days,
        allow_extra_reviewers=doc_type.allow_extra_reviewers,
        allow_cooperators=doc_type.allow_cooperators,
    )


def _people(items: Iterable) -> list[User]:
    """Users from users or ids, in the order given, active people only."""
    items = list(items or ())
    ids = [item.pk if isinstance(item, User) else int(item) for item in items]
    found = User.objects.filter(pk__in=ids, is_active=True).select_related("position").in_bulk()
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise LineError(_("Some of the people chosen cannot take part in an approval line."))
    return [found[pk] for pk in ids]


def preview_line(
    *,
    applicant: User,
    doc_type: str,
    span_days: int = 1,
    reviewers: Sequence = (),
    cooperators: Sequence = (),
) -> list[ApprovalStep]:
    """The line a document would get, as unsaved steps (for showing before submitting).

    A step whose named substitute is the applicant carries `passed_over` (that person) and a
    `note` saying who decides instead and why; other steps carry None and "".
    """
    dtype = _doc_type(doc_type)
    reviewer_list = _people(reviewers)
    cooperator_list = _people(cooperators)
    chain = approver_chain(applicant)
    candidates = [*chain, *reviewer_list, *cooperator_list]
    stand_ins = stand_ins_on(
        timezone.localdate(), [p.pk for p in candidates], applicant_id=applicant.pk
    )
    try:
        planned = rules.build_line(
            applicant=applicant,
            chain=chain,
            rule=_rule(dtype),
            span_days=span_days,
            reviewers=reviewer_list,
            cooperators=cooperator_list,
            substitute_for=lambda person: (
                stand_ins[person.pk].person if person.pk in stand_ins else None
            ),
        )
    except rules.LineRuleError as exc:
        raise LineError(str(exc)) from None
    line = []
    for planned_step in planned:
        step = ApprovalStep(
            order=planned_step.order,
            kind=planned_step.kind,
            approver=planned_step.approver,
            acting_for=planned_step.acting_for,
            delegated_final=planned_step.delegated_final,
            added_by_applicant=planned_step.added_by_applicant,
            status=ApprovalStep.Status.WAITING,
        )
        stand_in = stand_ins.get(step.acting_for.pk) if step.acting_for else None
        step.passed_over = stand_in.passed_over if stand_in else None
        step.note = stand_in.note(step.acting_for) if stand_in else ""
        line.append(step)
    return line


# ---------------------------------------------------------------------------------------------
# Notices


def _detail_url(document: Document) -> str:
    return reverse("approvals:detail", args=[document.pk])


def _notice_once(
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
        _, created = SentNotice.objects.get_or_create(
            document=document, round=document.round, kind=kind, recipient=recipient, step=step
        )
        if created:
            notify(recipient=recipient, title=title, body=body, url=_detail_url(document))
    return created


def _tell_waiting(document: Document, step: ApprovalStep, recipient: User | None = None) -> bool:
    with translation.override(settings.LANGUAGE_CODE):
        return _notice_once(
            document=document,
            kind=SentNotice.Kind.WAITING,
            recipient=recipient or step.approver,
            step=step,
            title=_("Waiting for your approval: %(title)s") % {"title": document.title},
            body=_("%(applicant)s · %(type)s")
            % {"applicant": document.applicant, "type": document.doc_type},
        )


def _tell_outcome(document: Document, outcome: str, reason: str = "") -> None:
    with translation.override(settings.LANGUAGE_CODE):
        if outcome == "approved":
            title = _("Approved: %(title)s") % {"title": document.title}
        else:
            title = _("Returned: %(title)s") % {"title": document.title}
        _notice_once(
            document=document,
            kind=SentNotice.Kind.OUTCOME,
            recipient=document.applicant,
            title=title,
            body=reason,
        )


# ---------------------------------------------------------------------------------------------
# Transitions


def _lock(document: Document | int) -> Document:
    pk = document.pk if isinstance(document, Document) else document
    return (
        Document.objects.select_for_update(of=("self",))
        .select_related("doc_type", "applicant")
        .get(pk=pk)
    )


def _clean_facts(facts) -> list[list[str]]:
    cleaned = []
    for pair in facts or ():
        label, value = pair
        cleaned.append([str(label), "" if value is None else str(value)])
    return cleaned


def _client(client: str) -> str:
    return (client or "")[:120]


def _create_steps(document: Document, line: list[ApprovalStep]) -> list[ApprovalStep]:
    for step in line:
        step.document = document
        step.round = document.round
    return ApprovalStep.objects.bulk_create(line)


def _activate_next(document: Document, steps: list[ApprovalStep]) -> list[ApprovalStep]:
    """Open the lowest order group whose steps are all waiting; re-route for absences."""
    waiting = [s for s in steps if s.status == ApprovalStep.Status.WAITING]
    if not waiting:
        return []
    order = min(s.order for s in waiting)
    group = [s for s in waiting if s.order == order]
    now = timezone.now()
    originals = {s.pk: (s.acting_for or s.approver) for s in group}
    absent = substitutes_on(
        timezone.localdate(),
        [p.pk for p in originals.values()],
        applicant_id=document.applicant_id,
    )
    taken = set()
    for step in group:
        original = originals[step.pk]
        substitute = absent.get(original.pk)
        if substitute is not None and substitute.pk != original.pk and substitute.pk not in taken:
            step.approver, step.acting_for = substitute, original
        else:
            step.approver, step.acting_for = original, None
        taken.add(step.approver.pk)
        step.status = ApprovalStep.Status.PENDING
        step.activated_at = now
        step.save(update_fields=["approver", "acting_for", "status", "activated_at"])
    for step in group:
        _tell_waiting(document, step)
    return group


def _start_round(document: Document, line: list[ApprovalStep]) -> None:
    steps = _create_steps(document, line)
    # bulk_create leaves related objects as given; reload to have ids and people together.
    steps = list(
        ApprovalStep.objects.filter(document=document, round=document.round).select_related(
            "approver", "acting_for"
        )
    )
    _activate_next(document, steps)


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
) -> Document:
    """Submit a document for approval: build its line, open the first step, tell the approver."""
    dtype = _doc_type(doc_type)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("A title is required.")})
    attachments = list(attachments or ())
    if attachments and not dtype.allow_attachments:
        raise ValidationError(_("This type of document does not take attachments."))
    for upload in attachments:
        if upload.size > MAX_ATTACHMENT_BYTES:
            raise ValidationError(
                _("%(name)s is larger than 10 MB.") % {"name": getattr(upload, "name", "")}
            )
    line = preview_line(
        applicant=applicant,
        doc_type=dtype,
        span_days=span_days,
        reviewers=reviewers,
        cooperators=cooperators,
    )
    now = timezone.now()
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
    _start_round(document, line)
    for upload in attachments:
        Attachment.objects.create(
            document=document,
            file=upload,
            name=getattr(upload, "name", "file")[:200],
            size=upload.size or 0,
        )
    Action.objects.create(
        document=document,
        round=document.round,
        kind=Action.Kind.SUBMITTED,
        actor=applicant,
        capacity=Action.Capacity.APPLICANT,
        client=_client(client),
        created_at=now,
    )
    return document


def _round_steps(document: Document) -> list[ApprovalStep]:
    return list(
        ApprovalStep.objects.select_for_update(of=("self",))
        .filter(document=document, round=document.round)
        .select_related("approver", "acting_for")
        .order_by("order", "pk")
    )


def _is_involved(document: Document, actor: User) -> bool:
    """Whether the document ever waited (or will wait) for this person, in any round."""
    steps = ApprovalStep.objects.filter(document=document)
    if steps.filter(Q(approver=actor) | Q(acting_for=actor)).exists():
        return True
    return Absence.objects.filter(
        substitute=actor, approver_id__in=steps.values("approver_id")
    ).exists()


def _step_for(document: Document, steps: list[ApprovalStep], actor: User):
    """The pending step this actor may decide now, and for whom they act; or raise."""
    if actor.pk == document.applicant_id:
        # Checked first: a step naming the applicant (written before this rule, or by hand)
        # gives them nothing either.
        raise OwnDocument()
    if document.status == Document.Status.PENDING:
        pending = [s for s in steps if s.status == ApprovalStep.Status.PENDING]
        for step in pending:
            if step.approver_id == actor.pk:
                return step, step.acting_for
        for step in pending:
            if step.acting_for_id == actor.pk:
                # The absent approver is back and decides for themself.
                return step, None
        absent = substitutes_on(
            timezone.localdate(),
            [s.approver_id for s in pending],
            applicant_id=document.applicant_id,
        )
        for step in pending:
            substitute = absent.get(step.approver_id)
            if substitute is not None and substitute.pk == actor.pk:
                return step, step.approver
    if not _is_involved(document, actor):
        raise NotYourTurn(_("This document is not in your approval line."))
    if document.status == Document.Status.PENDING and any(
        s.status == ApprovalStep.Status.WAITING and actor.pk in (s.approver_id, s.acting_for_id)
        for s in steps
    ):
        raise NotYourTurn(_("It is not your turn on this document yet."))
    raise AlreadyDecided()


def _capacity(step: ApprovalStep) -> str:
    if step.delegated_final:
        return Action.Capacity.DELEGATED_FINAL
    return {
        ApprovalStep.Kind.REVIEW: Action.Capacity.REVIEWER,
        ApprovalStep.Kind.COOPERATE: Action.Capacity.COOPERATOR,
        ApprovalStep.Kind.FINAL: Action.Capacity.FINAL,
    }[step.kind]


def _decide_step(step: ApprovalStep, actor: User, acting_for: User | None, status: str, now):
    step.approver = actor
    step.acting_for = acting_for
    step.status = status
    step.decided_at = now
    step.save(update_fields=["approver", "acting_for", "status", "decided_at"])


def _record(document, *, kind, actor, capacity, step=None, acting_for=None, comment="", client=""):
    try:
        with transaction.atomic():
            return Action.objects.create(
                document=document,
                round=document.round,
                step=step,
                kind=kind,
                actor=actor,
                acting_for=acting_for,
                capacity=capacity,
                comment=comment,
                client=_client(client),
            )
    except IntegrityError:
        raise AlreadyDecided() from None


def _close(document: Document, status: str, steps: list[ApprovalStep], now) -> None:
    for step in steps:
        if step.status in (ApprovalStep.Status.WAITING, ApprovalStep.Status.PENDING):
            step.status = ApprovalStep.Status.SKIPPED
            step.save(update_fields=["status"])
    document.status = status
    document.decided_at = now
    document.save(update_fields=["status", "decided_at"])


def _decide(document: Document, actor: User, status: str, kind: str, *, comment: str, client: str):
    """Lock the document, decide the step waiting for `actor` and record it in the history."""
    document = _lock(document)
    steps = _round_steps(document)
    step, acting_for = _step_for(document, steps, actor)
    now = timezone.now()
    _decide_step(step, actor, acting_for, status, now)
    _record(
        document,
        kind=kind,
        actor=actor,
        capacity=_capacity(step),
        step=step,
        acting_for=acting_for,
        comment=comment,
        client=client,
    )
    return document, steps, step, now


@transaction.atomic
def approve(*, document: Document, actor: User, comment: str = "", client: str = "web") -> Document:
    """Approve the step waiting for `actor` (or for the person they stand in for)."""
    document, steps, step, now = _decide(
        document,
        actor,
        ApprovalStep.Status.APPROVED,
        Action.Kind.APPROVED,
        comment=(comment or "").strip(),
        client=client,
    )
    open_in_group = [
        s for s in steps if s.order == step.order and s.status == ApprovalStep.Status.PENDING
    ]
    if open_in_group:
        return document
    if step.kind == ApprovalStep.Kind.FINAL or not _activate_next(document, steps):
        _close(document, Document.Status.APPROVED, steps, now)
        document_decided.send(sender=Document, document=document, outcome="approved")
        _tell_outcome(document, "approved")
    return document


@transaction.atomic
def return_(*, document: Document, actor: User, reason: str, client: str = "web") -> Document:
    """Return the document to the applicant with a reason (반려); the round ends."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the document is returned.")})
    document, steps, _step, now = _decide(
        document,
        actor,
        ApprovalStep.Status.RETURNED,
        Action.Kind.RETURNED,
        comment=reason,
        client=client,
    )
    _close(document, Document.Status.RETURNED, steps, now)
    document_decided.send(sender=Document, document=document, outcome="returned")
    _tell_outcome(document, "returned", reason)
    return document


@transaction.atomic
def withdraw(*, document: Document, actor: User, client: str = "web") -> Document:
    """The applicant takes the document back (회수) while nobody has acted on it yet."""
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
    now = timezone.now()
    _record(
        document,
        kind=Action.Kind.WITHDRAWN,
        actor=actor,
        capacity=Action.Capacity.APPLICANT,
        client=client,
    )
    _close(document, Document.Status.WITHDRAWN, steps, now)
    document_decided.send(sender=Document, document=document, outcome="withdrawn")
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
) -> Document:
    """Start a new round of a returned document, revised; earlier rounds stay in the history.

    `span_days` is the revised request's length, when it changed: the line follows it (전결).
    """
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
    )
    if title is not None:
        if not title.strip():
            raise ValidationError({"title": _("A title is required.")})
        document.title = title.strip()[:200]
    if body is not None:
        document.body = body
    if facts is not None:
        document.facts = _clean_facts(facts)
    document.round += 1
    document.status = Document.Status.PENDING
    document.submitted_at = timezone.now()
    document.decided_at = None
    try:
        with transaction.atomic():
            document.save()
    except IntegrityError:
        raise AlreadySubmitted(
            _("A document for this request is already waiting for approval.")
        ) from None
    _start_round(document, line)
    _record(
        document,
        kind=Action.Kind.RESUBMITTED,
        actor=actor,
        capacity=Action.Capacity.APPLICANT,
        client=client,
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
) -> Document:
    """A document that is approved from the start because an order decided it (e.g. a closure)."""
    dtype = _doc_type(doc_type)
    now = timezone.now()
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
    _record(
        document,
        kind=Action.Kind.APPROVED_BY_ORDER,
        actor=actor,
        capacity=Action.Capacity.ORDER,
        comment=order,
        client="system",
    )
    document_decided.send(sender=Document, document=document, outcome="approved")
    _tell_outcome(document, "approved")
    return document


@transaction.atomic
def set_absence(*, approver: User, substitute: User, start_date: date, end_date: date) -> Absence:
    """Record an approver's absence; their items go to the substitute meanwhile (대결)."""
    if substitute.pk == approver.pk:
        raise ValidationError(
            {"substitute": _("Name someone other than yourself as your substitute.")}
        )
    if end_date < start_date:
        raise ValidationError({"end_date": _("The end date is before the start date.")})
    if not substitute.is_active:
        raise ValidationError({"substitute": _("This person cannot act as a substitute.")})
    try:
        with transaction.atomic():
            absence = Absence.objects.create(
                approver=approver, substitute=substitute, start_date=start_date, end_date=end_date
            )
    except IntegrityError:
        raise ValidationError(
            _("You already have an absence in these dates; end it or choose other dates.")
        ) from None
    if start_date <= timezone.localdate() <= end_date:
        # What already waits for the approver now waits for the substitute too: tell them.
        for step in ApprovalStep.objects.filter(
            approver=approver,
            status=ApprovalStep.Status.PENDING,
            document__status=Document.Status.PENDING,
        ).select_related("document__doc_type", "document__applicant"):
            if step.document.applicant_id == substitute.pk:
                _route_around_applicant(step, absence)
            else:
                _tell_waiting(step.document, step, recipient=substitute)
    return absence


def _route_around_applicant(step: ApprovalStep, absence: Absence) -> bool:
    """The substitute applied for this document: the step goes to the next head up instead."""
    stand_in = stand_in_for(absence, applicant_id=step.document.applicant_id)
    if stand_in is None:
        return False  # nobody above: the absent approver keeps it, and decides when back
    taken = ApprovalStep.objects.filter(
        document_id=step.document_id, round=step.round, order=step.order, approver=stand_in.person
    ).exists()
    if taken:
        return False  # already in this parallel group; they decide for the absent one from there
    # A conditional update, not a save: a decision committed meanwhile is never overwritten.
    moved = ApprovalStep.objects.filter(
        pk=step.pk, status=ApprovalStep.Status.PENDING, approver=absence.approver
    ).update(approver=stand_in.person, acting_for=absence.approver)
    if moved:
        step.approver, step.acting_for = stand_in.person, absence.approver
        _tell_waiting(step.document, step)
    return bool(moved)


def route_around_applicant_substitutes(*, day: date) -> int:
    """Re-route waiting steps whose absent approver's substitute is the document's applicant.

    An absence set earlier for a later date reaches steps that opened before it began; without
    this they are only resolved at decision time, which the next head up's inbox cannot list.
    Beat runs it before the working day. Returns how many steps moved.
    """
    applicant_is_substitute = Absence.objects.filter(
        approver=OuterRef("approver"),
        substitute=OuterRef("document__applicant"),
        start_date__lte=day,
        end_date__gte=day,
    )
    steps = list(
        ApprovalStep.objects.filter(
            Exists(applicant_is_substitute),
            status=ApprovalStep.Status.PENDING,
            document__status=Document.Status.PENDING,
        ).select_related("document__doc_type", "document__applicant")
    )
    absences = absences_on(day, {step.approver_id for step in steps})
    moved = 0
    for step in steps:
        with transaction.atomic():
            moved += _route_around_applicant(step, absences[step.approver_id])
    return moved


# ---------------------------------------------------------------------------------------------
# Reminders (beat)

_KR_HOLIDAYS: dict[int, object] = {}


def is_holiday(day: date) -> bool:
    calendar = _KR_HOLIDAYS.get(day.year)
    if calendar is None:
        calendar = _KR_HOLIDAYS[day.year] = holidays.country_holidays("KR", years=day.year)
    return day in calendar


def working_hours_since(moment: datetime, now: datetime | None = None) -> float:
    now = timezone.localtime(now or timezone.now())
    return rules.working_hours_between(timezone.localtime(moment), now, is_holiday)


def send_due_reminders(now: datetime | None = None) -> int:
    """Remind approvers of items waiting too long and tell applicants of stuck documents, once."""
    sent = 0
    steps = ApprovalStep.objects.filter(
        status=ApprovalStep.Status.PENDING, document__status=Document.Status.PENDING
    ).select_related("document__doc_type", "document__applicant", "approver")
    today = timezone.localdate(now) if now else timezone.localdate()
    absences = absences_on(today)
    with translation.override(settings.LANGUAGE_CODE):
        for step in steps.iterator(chunk_size=500):
            document = step.document
            # An absence that began after the step opened: the substitute is told once (대결),
            # or the next head up when the substitute is the applicant.
            absence = absences.get(step.approver_id)
            stand_in = absence and stand_in_for(absence, applicant_id=document.applicant_id)
            recipient = stand_in.person if stand_in else step.approver
            if recipient.pk != step.approver_id:
                sent += _tell_waiting(document, step, recipient=recipient)
            hours = working_hours_since(step.activated_at, now)
            if hours >= document.doc_type.remind_after_hours:
                sent += _notice_once(
                    document=document,
                    kind=SentNotice.Kind.REMINDER,
                    recipient=recipient,
                    step=step,
                    title=_("Still waiting for your approval: %(title)s")
                    % {"title": document.title},
                    body=_("Waiting for %(hours)d working hours.") % {"hours": hours},
                )
        documents = Document.objects.filter(status=Document.Status.PENDING).select_related(
            "doc_type", "applicant"
        )
        for document in documents.iterator(chunk_size=500):
            hours = working_hours_since(document.submitted_at, now)
            if hours >= document.doc_type.stuck_after_hours:
                sent += _notice_once(
                    document=document,
                    kind=SentNotice.Kind.STUCK,
                    recipient=document.applicant,
                    title=_("Your document is still waiting: %(title)s")
                    % {"title": document.title},
                    body=_("No decision after %(hours)d working hours.") % {"hours": hours},
                )
    return sent
