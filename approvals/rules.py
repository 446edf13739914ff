"""Pure rules of approval: building a line (결재선) and counting working hours. No database."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils.translation import gettext as _

REVIEW = "review"
COOPERATE = "cooperate"
FINAL = "final"

# The working day of the office: 09:00–18:00 with lunch 12:00–13:00 (8 hours).
WORK_PERIODS = ((time(9), time(12)), (time(13), time(18)))


class LineRuleError(Exception):
    """The rules cannot give a line for this applicant; the message is for the person."""


@dataclass(frozen=True)
class LineRule:
    levels: int = 2
    delegated_max_days: int | None = None
    allow_extra_reviewers: bool = False
    allow_cooperators: bool = False


@dataclass
class PlannedStep:
    order: int
    kind: str
    approver: Any
    acting_for: Any = None
    delegated_final: bool = False
    added_by_applicant: bool = False
    extra: dict = field(default_factory=dict)


def is_delegated(rule: LineRule, span_days: int) -> bool:
    """전결: short requests are closed by the first approver of the chain."""
    return rule.delegated_max_days is not None and span_days <= rule.delegated_max_days


def build_line(
    *,
    applicant: Any,
    chain: Sequence[Any],
    rule: LineRule,
    span_days: int = 1,
    reviewers: Sequence[Any] = (),
    cooperators: Sequence[Any] = (),
    substitute_for: Callable[[Any], Any] | None = None,
) -> list[PlannedStep]:
    """The line of a document, in order.

    Shape: the reviewers the applicant added (검토, one after another), the chain's heads
    below the final approver (검토), the cooperators (협조, all at once), then the final
    approver (결재). The chain is cut at `rule.levels` heads, or at the first head when 전결
    applies. `substitute_for(person)` returns who acts for an absent person (대결), or None.
    People are compared by `pk`; nobody appears twice and the applicant never appears.
    """
    if span_days < 1:
        raise LineRuleError(_("The request must cover at least one day."))
    if reviewers and not rule.allow_extra_reviewers:
        raise LineRuleError(_("This type of document does not take extra reviewers."))
    if cooperators and not rule.allow_cooperators:
        raise LineRuleError(_("This type of document does not take cooperators."))
    heads = list(chain)[: max(rule.levels, 1)]
    delegated = is_delegated(rule, span_days) and len(heads) > 0
    if delegated:
        heads = heads[:1]
    if not heads:
        raise LineRuleError(_("No approver was found above you in the organisation."))

    seen = {applicant.pk}
    head_ids = {h.pk for h in heads}

    def take(people):
        kept = []
        for person in people:
            if person.pk in seen or person.pk in head_ids:
                continue
            seen.add(person.pk)
            kept.append(person)
        return kept

    extra_reviewers = take(reviewers)
    extra_cooperators = take(cooperators)
    planned: list[PlannedStep] = []
    order = 0
    for person in extra_reviewers:
        order += 1
        planned.append(PlannedStep(order, REVIEW, person, added_by_applicant=True))
    for person in heads[:-1]:
        order += 1
        planned.append(PlannedStep(order, REVIEW, person))
    if extra_cooperators:
        order += 1
        for person in extra_cooperators:
            planned.append(PlannedStep(order, COOPERATE, person, added_by_applicant=True))
    order += 1
    final_is_delegated = delegated and rule.levels > 1
    planned.append(PlannedStep(order, FINAL, heads[-1], delegated_final=final_is_delegated))

    if substitute_for is not None:
        for step in planned:
            substitute = substitute_for(step.approver)
            # A substitute who is the applicant would decide their own document: never.
            if substitute is not None and substitute.pk not in (step.approver.pk, applicant.pk):
                step.acting_for, step.approver = step.approver, substitute
    return planned


def working_hours_between(
    start: datetime, end: datetime, is_holiday: Callable[[date], bool] = lambda d: False
) -> float:
    """Working hours from start to end (both aware or both naive, in the office's time zone)."""
    if end <= start:
        return 0.0
    total = 0.0
    day = start.date()
    while day <= end.date():
        if day.weekday() < 5 and not is_holiday(day):
            for begin, finish in WORK_PERIODS:
                period_start = datetime.combine(day, begin, tzinfo=start.tzinfo)
                period_end = datetime.combine(day, finish, tzinfo=start.tzinfo)
                overlap = min(end, period_end) - max(start, period_start)
                if overlap > timedelta(0):
                    total += overlap.total_seconds() / 3600
        day += timedelta(days=1)
    return total
