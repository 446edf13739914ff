"""What an arrangement's approval document says: its type, its title and its facts."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from . import rules

if TYPE_CHECKING:
    from accounts.models import User

    from .models import Arrangement

# Approval document types (created by the approvals app's data migration).
DOC_FLEXIBLE = "worktime.flexible"
DOC_REMOTE = "worktime.remote"
DOC_CANCEL = "worktime.cancel"


def doc_type_for(kind: str) -> str:
    return DOC_REMOTE if kind in rules.Kind.REMOTE else DOC_FLEXIBLE


def facts_of(
    arrangement: Arrangement,
    days: list[rules.DayPlan],
    skipped: list[tuple[dt.date, str]] = (),
) -> list[list[str]]:
    facts = [
        [_("Kind"), str(arrangement.get_kind_display())],
        [
            _("Period"),
            f"{arrangement.start_date} ~ {arrangement.end_date}"
            if arrangement.end_date != arrangement.start_date
            else str(arrangement.start_date),
        ],
    ]
    if arrangement.weekdays:
        facts.append(
            [_("Weekdays"), ", ".join(rules.weekday_name(d) for d in arrangement.weekdays)]
        )
    facts.append([_("Working days"), str(len(days))])
    if skipped:
        facts.append([_("Days skipped"), ", ".join(label for _day, label in skipped)])
    if arrangement.kind in rules.Kind.TIMED and days:
        hours = sorted({(d.start_time, d.end_time) for d in days if d.start_time})
        facts.append(
            [_("Hours"), "; ".join(f"{rules.fmt_time(s)}–{rules.fmt_time(e)}" for s, e in hours)]
        )
    if arrangement.kind in rules.Kind.HOURS:
        by_weekday = {}
        for d in days:
            by_weekday.setdefault(d.date.weekday(), d.hours)
        facts.append(
            [
                _("Hours a day"),
                ", ".join(
                    f"{rules.weekday_name(w)} {rules.fmt_hours(h)}"
                    for w, h in sorted(by_weekday.items())
                ),
            ]
        )
    if arrangement.kind == rules.Kind.SMART_WORK:
        facts.append(
            [
                _("Center"),
                f"{arrangement.center} · {arrangement.seat.label if arrangement.seat_id else ''}",
            ]
        )
    facts.append([_("Reason"), arrangement.reason])
    if arrangement.is_emergency:
        facts.append([_("Emergency"), arrangement.emergency_reason])
    return facts


def title_for(arrangement: Arrangement, user: User) -> str:
    period = (
        str(arrangement.start_date)
        if arrangement.start_date == arrangement.end_date
        else f"{arrangement.start_date}~{arrangement.end_date}"
    )
    return f"{arrangement.get_kind_display()} · {user.get_full_name()} · {period}"


def cancel_title(arrangement: Arrangement) -> str:
    return _("Cancel: %(title)s") % {"title": title_for(arrangement, arrangement.applicant)}


def cancel_facts(arrangement: Arrangement, reason: str) -> list[list[str]]:
    return [
        [_("Kind"), str(arrangement.get_kind_display())],
        [_("Period"), f"{arrangement.start_date} ~ {arrangement.end_date}"],
        [_("Reason"), reason],
    ]
