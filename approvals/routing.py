"""Who a step waits for: the next group of a line, who may decide it now, and absences (대결).

An absent approver's steps go to their substitute, never to the document's applicant: then to
the absent approver's next head up (`substitutes.stand_in_for`). The transitions in
`services` call these inside their own transaction and row lock.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from .errors import AlreadyDecided, NotYourTurn, OwnDocument
from .models import Absence, ApprovalStep, Document
from .notices import tell_waiting
from .selectors import pending_step_for
from .substitutes import absences_on, stand_in_for, substitutes_on

if TYPE_CHECKING:
    from accounts.models import User


def open_next_group(
    document: Document, steps: list[ApprovalStep], *, now: datetime, today: date
) -> list[ApprovalStep]:
    """Open the lowest order group whose steps are all waiting; re-route for absences."""
    waiting = [s for s in steps if s.status == ApprovalStep.Status.WAITING]
    if not waiting:
        return []
    order = min(s.order for s in waiting)
    group = [s for s in waiting if s.order == order]
    originals = {s.pk: (s.acting_for or s.approver) for s in group}
    absent = substitutes_on(
        today, [p.pk for p in originals.values()], applicant_id=document.applicant_id
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
        tell_waiting(document, step)
    return group


def _is_involved(document: Document, actor: User) -> bool:
    """Whether the document ever waited (or will wait) for this person, in any round."""
    steps = ApprovalStep.objects.filter(document=document)
    if steps.filter(Q(approver=actor) | Q(acting_for=actor)).exists():
        return True
    return Absence.objects.filter(
        substitute=actor, approver_id__in=steps.values("approver_id")
    ).exists()


def step_for(
    document: Document, steps: list[ApprovalStep], actor: User, *, today: date
) -> tuple[ApprovalStep, User | None]:
    """The pending step this actor may decide now, and for whom they act; or raise."""
    if actor.pk == document.applicant_id:
        # Checked first: a step naming the applicant (written before this rule, or by hand)
        # gives them nothing either.
        raise OwnDocument()
    if document.status == Document.Status.PENDING:
        found = pending_step_for(steps, actor, applicant_id=document.applicant_id, today=today)
        if found is not None:
            return found
    if not _is_involved(document, actor):
        raise NotYourTurn(_("This document is not in your approval line."))
    if document.status == Document.Status.PENDING and any(
        s.status == ApprovalStep.Status.WAITING and actor.pk in (s.approver_id, s.acting_for_id)
        for s in steps
    ):
        raise NotYourTurn(_("It is not your turn on this document yet."))
    raise AlreadyDecided()


def route_around_applicant(step: ApprovalStep, absence: Absence) -> bool:
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
        tell_waiting(step.document, step)
    return bool(moved)


def hand_over_waiting_steps(absence: Absence) -> None:
    """An absence that has begun: what waits for the approver now waits for the substitute
    too, who is told; a document the substitute applied for goes to the next head up."""
    for step in ApprovalStep.objects.filter(
        approver=absence.approver,
        status=ApprovalStep.Status.PENDING,
        document__status=Document.Status.PENDING,
    ).select_related("document__doc_type", "document__applicant"):
        if step.document.applicant_id == absence.substitute_id:
            route_around_applicant(step, absence)
        else:
            tell_waiting(step.document, step, recipient=absence.substitute)


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
            moved += route_around_applicant(step, absences[step.approver_id])
    return moved
