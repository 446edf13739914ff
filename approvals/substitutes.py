"""Who decides for an absent approver (대결), never the applicant of the document at hand."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from accounts.selectors import approver_chain

from .models import Absence

if TYPE_CHECKING:
    from accounts.models import User


@dataclass(frozen=True)
class StandIn:
    """The person who decides for an absent approver, and the named substitute passed over."""

    person: User
    passed_over: User | None = None

    def note(self, absent: User) -> str:
        """Why someone other than the named substitute decides; empty when nobody was skipped."""
        if self.passed_over is None:
            return ""
        return _(
            "%(substitute)s is %(absent)s's substitute but applied for this document, "
            "so %(person)s decides instead."
        ) % {"substitute": self.passed_over, "absent": absent, "person": self.person}


def stand_in_for(absence: Absence, *, applicant_id: int | None) -> StandIn | None:
    """Who acts for `absence.approver` on a document of `applicant_id`, or None (they keep it).

    Nobody decides their own document: a substitute who is the applicant is passed over for
    the absent approver's next head up (approver_chain) who is not the applicant either.
    """
    substitute = absence.substitute
    if substitute.pk != applicant_id:
        return StandIn(substitute) if substitute.is_active else None
    above = next((p for p in approver_chain(absence.approver) if p.pk != applicant_id), None)
    return StandIn(above, passed_over=substitute) if above is not None else None


def absences_on(day: date, approver_ids: Iterable[int] | None = None) -> dict[int, Absence]:
    """The absences in force on a day, by absent approver (all of them when no ids are given)."""
    absences = Absence.objects.filter(start_date__lte=day, end_date__gte=day).select_related(
        "approver", "substitute__position"
    )
    if approver_ids is not None:
        absences = absences.filter(approver_id__in=list(approver_ids))
    return {absence.approver_id: absence for absence in absences}


def stand_ins_on(
    day: date, approver_ids: Iterable[int], *, applicant_id: int | None
) -> dict[int, StandIn]:
    """Who acts for each absent approver on a day, for a document of `applicant_id`."""
    found = {}
    for approver_id, absence in absences_on(day, approver_ids).items():
        stand_in = stand_in_for(absence, applicant_id=applicant_id)
        if stand_in is not None:
            found[approver_id] = stand_in
    return found


def substitutes_on(
    day: date, approver_ids: Iterable[int], *, applicant_id: int | None
) -> dict[int, User]:
    """Who decides for each absent approver on a day, for a document of `applicant_id`."""
    return {
        approver_id: stand_in.person
        for approver_id, stand_in in stand_ins_on(
            day, approver_ids, applicant_id=applicant_id
        ).items()
    }
