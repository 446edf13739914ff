"""The history of a document (Action), append-only: who did what, for whom, in which capacity.

A step is decided once: the database refuses a second action on it (a unique constraint),
which a transition reports as `AlreadyDecided`.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction

from .errors import AlreadyDecided
from .models import Action, ApprovalStep, Document

if TYPE_CHECKING:
    from accounts.models import User

CAPACITY_OF_STEP = {
    ApprovalStep.Kind.REVIEW: Action.Capacity.REVIEWER,
    ApprovalStep.Kind.COOPERATE: Action.Capacity.COOPERATOR,
    ApprovalStep.Kind.FINAL: Action.Capacity.FINAL,
}


def capacity_of(step: ApprovalStep) -> str:
    """In which capacity a step is decided: review, cooperation, final or 전결."""
    if step.delegated_final:
        return Action.Capacity.DELEGATED_FINAL
    return CAPACITY_OF_STEP[step.kind]


def record(
    document: Document,
    *,
    kind: str,
    actor: User,
    capacity: str,
    now: datetime,
    step: ApprovalStep | None = None,
    acting_for: User | None = None,
    comment: str = "",
    client: str = "",
) -> Action:
    """Add an action to the document's current round; `client` says from where (web, api…)."""
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
                client=(client or "")[:120],
                created_at=now,
            )
    except IntegrityError:
        raise AlreadyDecided() from None
