"""What pages, the API and the header read about approvals."""

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.roles import is_admin

from .models import Absence, Action, ApprovalStep, Attachment, Document
from .substitutes import substitutes_on


def can_withdraw(document: Document, user: User) -> bool:
    """회수: the applicant, while the document is pending and nobody has acted in this round."""
    return (
        document.applicant_id == user.pk
        and document.status == Document.Status.PENDING
        and not document.actions.filter(
            round=document.round, kind__in=[Action.Kind.APPROVED, Action.Kind.RETURNED]
        ).exists()
    )


def _waiting_steps_for(user: User) -> QuerySet:
    today = timezone.localdate()
    absent_for_me = Absence.objects.filter(
        substitute=user, start_date__lte=today, end_date__gte=today
    ).values("approver_id")
    return ApprovalStep.objects.filter(status=ApprovalStep.Status.PENDING).filter(
        Q(approver=user) | Q(acting_for=user) | Q(approver_id__in=absent_for_me)
    )


def inbox_for(user: User) -> QuerySet:
    """Documents waiting for this person's decision, as approver or substitute, newest first.

    Never their own: an applicant named as substitute for their approver does not decide.
    """
    return (
        Document.objects.filter(
            status=Document.Status.PENDING,
            pk__in=_waiting_steps_for(user).values("document_id"),
        )
        .exclude(applicant=user)
        .select_related("doc_type", "applicant", "applicant__department", "applicant__position")
        .order_by("-submitted_at", "-pk")
    )


def waiting_count(user: User) -> int:
    """The header badge: how many documents wait for this person (one query)."""
    if not user.is_authenticated:
        return 0
    return inbox_for(user).count()


def sent_by(user: User) -> QuerySet:
    return (
        Document.objects.filter(applicant=user)
        .exclude(status=Document.Status.DRAFT)
        .select_related("doc_type")
        .order_by("-created_at", "-pk")
    )


def visible_documents(user: User) -> QuerySet:
    """Documents a person may open: their own, those in their line, and as a substitute."""
    if is_admin(user):
        return Document.objects.all()
    involved = ApprovalStep.objects.filter(Q(approver=user) | Q(acting_for=user)).values(
        "document_id"
    )
    return Document.objects.filter(
        Q(applicant=user)
        | Q(pk__in=involved)
        | Q(pk__in=_waiting_steps_for(user).values("document_id"))
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


def document_detail(*, user: User, document_id: int) -> DocumentDetail:
    """A document with its line, history and attachments; Document.DoesNotExist if not visible."""
    document = (
        visible_documents(user)
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
        pending = [s for s in steps if s.status == ApprovalStep.Status.PENDING]
        absent = substitutes_on(
            timezone.localdate(),
            [s.approver_id for s in pending],
            applicant_id=document.applicant_id,
        )
        for step in pending:
            if step.approver_id == user.pk:
                detail.my_step, detail.acting_for = step, step.acting_for
            elif step.acting_for_id == user.pk:
                detail.my_step = step
            elif absent.get(step.approver_id) and absent[step.approver_id].pk == user.pk:
                detail.my_step, detail.acting_for = step, step.approver
            if detail.my_step:
                break
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
