"""What pages, the API, the header and the services read about approvals."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from accounts.roles import is_admin
from accounts.selectors import approver_chain
from core import clock

from . import rules
from .defaults import ensure_type
from .errors import InvalidInput, LineError
from .models import Absence, Action, ApprovalStep, Attachment, Document, DocumentType
from .substitutes import stand_ins_on, substitutes_on

if TYPE_CHECKING:
    from accounts.models import User


def document_type(code: str | DocumentType) -> DocumentType:
    """The type of this code; a default type that went missing is made again (`ensure_type`)."""
    if isinstance(code, DocumentType):
        return code
    try:
        return DocumentType.objects.get(code=code)
    except DocumentType.DoesNotExist:
        found = ensure_type(code)
        if found is not None:
            return found
        raise InvalidInput(_("Unknown document type: %(code)s") % {"code": code}) from None


def _rule(doc_type: DocumentType) -> rules.LineRule:
    return rules.LineRule(
        levels=doc_type.levels,
        delegated_max_days=doc_type.delegated_max_days,
        allow_extra_reviewers=doc_type.allow_extra_reviewers,
        allow_cooperators=doc_type.allow_cooperators,
    )


def _people(items: Iterable) -> list[User]:
    """Users from users or ids, in the order given, active people only."""
    ids = [int(getattr(item, "pk", item)) for item in items or ()]
    found = (
        get_user_model()
        .objects.filter(pk__in=ids, is_active=True)
        .select_related("position")
        .in_bulk()
    )
    if any(pk not in found for pk in ids):
        raise LineError(_("Some of the people chosen cannot take part in an approval line."))
    return [found[pk] for pk in ids]


def preview_line(
    *,
    applicant: User,
    doc_type: str | DocumentType,
    span_days: int = 1,
    reviewers: Sequence = (),
    cooperators: Sequence = (),
    today: date | None = None,
) -> list[ApprovalStep]:
    """The line a document would get on `today`, as unsaved steps (shown before submitting).

    A step whose named substitute is the applicant carries `passed_over` (that person) and a
    `note` saying who decides instead and why; other steps carry None and "".
    """
    dtype = document_type(doc_type)
    reviewer_list = _people(reviewers)
    cooperator_list = _people(cooperators)
    chain = approver_chain(applicant)
    candidates = [*chain, *reviewer_list, *cooperator_list]
    stand_ins = stand_ins_on(
        today or clock.today(), [p.pk for p in candidates], applicant_id=applicant.pk
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


def can_withdraw(document: Document, user: User) -> bool:
    """회수: the applicant, while the document is pending and nobody has acted in this round."""
    return (
        document.applicant_id == user.pk
        and document.status == Document.Status.PENDING
        and not document.actions.filter(
            round=document.round, kind__in=[Action.Kind.APPROVED, Action.Kind.RETURNED]
        ).exists()
    )


def pending_step_for(
    steps: Iterable[ApprovalStep], actor: User, *, applicant_id: int, today: date
) -> tuple[ApprovalStep, User | None] | None:
    """The pending step of a round `actor` may decide now, and for whom they act; else None.

    Their own step first, then a step held for them while they were away (they are back and
    decide for themself), then a step of someone absent today whom they decide for (대결).
    """
    pending = [s for s in steps if s.status == ApprovalStep.Status.PENDING]
    for step in pending:
        if step.approver_id == actor.pk:
            return step, step.acting_for
    for step in pending:
        if step.acting_for_id == actor.pk:
            return step, None
    absent = substitutes_on(today, [s.approver_id for s in pending], applicant_id=applicant_id)
    for step in pending:
        substitute = absent.get(step.approver_id)
        if substitute is not None and substitute.pk == actor.pk:
            return step, step.approver
    return None


def _waiting_steps_for(user: User, today: date | None) -> QuerySet:
    today = today or clock.today()
    absent_for_me = Absence.objects.filter(
        substitute=user, start_date__lte=today, end_date__gte=today
    ).values("approver_id")
    return ApprovalStep.objects.filter(status=ApprovalStep.Status.PENDING).filter(
        Q(approver=user) | Q(acting_for=user) | Q(approver_id__in=absent_for_me)
    )


def inbox_for(user: User, *, today: date | None = None) -> QuerySet:
    """Documents waiting for this person's decision, as approver or substitute, newest first.

    Never their own: an applicant named as substitute for their approver does not decide.
    """
    return (
        Document.objects.filter(
            status=Document.Status.PENDING,
            pk__in=_waiting_steps_for(user, today).values("document_id"),
        )
        .exclude(applicant=user)
        .select_related("doc_type", "applicant", "applicant__department", "applicant__position")
        .order_by("-submitted_at", "-pk")
    )


def waiting_count(user: User, *, today: date | None = None) -> int:
    """The header badge: how many documents wait for this person (one query)."""
    if not user.is_authenticated:
        return 0
    return inbox_for(user, today=today).count()


def sent_by(user: User) -> QuerySet:
    return (
        Document.objects.filter(applicant=user)
        .exclude(status=Document.Status.DRAFT)
        .select_related("doc_type")
        .order_by("-created_at", "-pk")
    )


def visible_documents(user: User, *, today: date | None = None) -> QuerySet:
    """Documents a person may open: their own, those in their line, and as a substitute."""
    if is_admin(user):
        return Document.objects.all()
    involved = ApprovalStep.objects.filter(Q(approver=user) | Q(acting_for=user)).values(
        "document_id"
    )
    return Document.objects.filter(
        Q(applicant=user)
        | Q(pk__in=involved)
        | Q(pk__in=_waiting_steps_for(user, today).values("document_id"))
    )


@dataclass
class DocumentDetail:
    document: Document
    steps: list[ApprovalStep]
    earlier_steps: list[ApprovalStep]
    actions: list[Action]
    attachments: list[Attachment]
    my_step: ApprovalStep | None = None
    acting_for: User | None = None
    can_withdraw: bool = False
    can_resubmit: bool = False
    # Where the subject's own form corrects a returned request, when it has one.
    revise_url: str | None = None
    extra: dict = field(default_factory=dict)

    @property
    def can_decide(self) -> bool:
        return self.my_step is not None


def document_detail(*, user: User, document_id: int, today: date | None = None) -> DocumentDetail:
    """A document with its line, history and attachments; Document.DoesNotExist if not visible."""
    today = today or clock.today()
    document = (
        visible_documents(user, today=today)
        .select_related("doc_type", "applicant__department", "applicant__position")
        .get(pk=document_id)
    )
    all_steps = list(
        document.steps.select_related("approver__position", "acting_for").order_by(
            "round", "order", "pk"
        )
    )
    steps = [s for s in all_steps if s.round == document.round]
    earlier = [s for s in all_steps if s.round != document.round]
    actions = list(
        document.actions.select_related("actor", "acting_for").order_by("created_at", "pk")
    )
    attachments = list(document.attachments.all())
    detail = DocumentDetail(document, steps, earlier, actions, attachments)
    if document.status == Document.Status.PENDING and document.applicant_id != user.pk:
        found = pending_step_for(steps, user, applicant_id=document.applicant_id, today=today)
        if found is not None:
            detail.my_step, detail.acting_for = found
    if document.status == Document.Status.PENDING:
        detail.can_withdraw = can_withdraw(document, user)
    detail.can_resubmit = (
        document.status == Document.Status.RETURNED and document.applicant_id == user.pk
    )
    if detail.can_resubmit and document.subject_id is not None:
        get_revise_url = getattr(document.subject, "get_revise_url", None)
        detail.revise_url = get_revise_url() if get_revise_url else None
    return detail


def absences_of(user: User) -> QuerySet:
    return (
        Absence.objects.filter(approver=user).select_related("substitute").order_by("-start_date")
    )


def pending_document_for(subject, *, doc_type: str) -> Document | None:
    """The document of this type still waiting for a decision about `subject`, if any."""
    return (
        Document.objects.filter(
            doc_type__code=doc_type,
            subject_type=ContentType.objects.get_for_model(subject),
            subject_id=subject.pk,
            status=Document.Status.PENDING,
        )
        .order_by("-pk")
        .first()
    )


def last_return(document: Document) -> Action | None:
    """The 반려 that sent the document back, with its reason and who returned it."""
    return (
        Action.objects.filter(document=document, kind=Action.Kind.RETURNED)
        .select_related("actor")
        .order_by("-created_at", "-pk")
        .first()
    )
