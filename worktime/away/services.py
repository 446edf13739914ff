"""State changes of 근무상황: record, follow the approval, withdraw or cancel, import from personnel."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from approvals import services as approvals
from core import clock
from core.workdays import work_calendar

from ..services import RequestInvalid
from . import rules
from .models import COUNTING_STATUSES, AwayKind, AwayRecord, TripDestination

if TYPE_CHECKING:
    from accounts.models import User

# The approval document type of records whose kind needs approval (created by migration).
DOC_AWAY = "worktime.away"


def _period(record: AwayRecord) -> tuple:
    return (record.start_date, record.end_date, record.start_time, record.end_time)


def _when(record: AwayRecord) -> str:
    when = date_format(record.start_date, "SHORT_DATE_FORMAT")
    if record.end_date != record.start_date:
        when += f"–{date_format(record.end_date, 'SHORT_DATE_FORMAT')}"
    if record.start_time:
        when += f" {record.start_time:%H:%M}–{record.end_time:%H:%M}"
    return when


def _describe(record: AwayRecord) -> str:
    return f"{record.kind} {_when(record)}"


def _check(
    *,
    person: User,
    kind: AwayKind,
    start_date: dt.date,
    end_date: dt.date,
    start_time: dt.time | None,
    end_time: dt.time | None,
    exclude_pk: int | None = None,
) -> list[dt.date]:
    """The working days the record takes; raises `RequestInvalid` with per-field sentences."""
    errors = {
        key: [message]
        for key, message in rules.check_period(start_date, end_date, start_time, end_time).items()
    }
    if kind.part_of_day and start_time is None and "end_time" not in errors:
        errors["start_time"] = [
            _("%(kind)s is recorded with a start and an end time.") % {"kind": kind}
        ]
    if errors:
        raise RequestInvalid(errors)
    days, _skipped = rules.covered_days(start_date, end_date, work_calendar(start_date, end_date))
    if not days:
        raise RequestInvalid(
            {"start_date": [_("The period has no working day: only weekends and holidays.")]}
        )
    others = (
        AwayRecord.objects.filter(
            person=person,
            status__in=COUNTING_STATUSES,
            start_date__lte=end_date,
            end_date__gte=start_date,
        )
        .exclude(pk=exclude_pk)
        .select_related("kind")
    )
    clash = rules.first_overlap(
        (start_date, end_date, start_time, end_time), ((o, _period(o)) for o in others)
    )
    if clash is not None:
        raise RequestInvalid(
            {
                "start_date": [
                    _("You already recorded %(other)s at that time.") % {"other": _describe(clash)}
                ]
            }
        )
    return days


def _facts(record: AwayRecord, days: list[dt.date]) -> list[list[str]]:
    facts = [
        [_("Kind"), str(record.kind)],
        [_("Period"), _when(record)],
        [_("Working days"), str(len(days))],
    ]
    if record.destination_id or record.place:
        where = " · ".join(str(part) for part in (record.destination, record.place) if part)
        facts.append([_("Destination"), where])
    return facts


@transaction.atomic
def record_away(
    *,
    person: User,
    kind: AwayKind,
    start_date: dt.date,
    end_date: dt.date | None = None,
    start_time: dt.time | None = None,
    end_time: dt.time | None = None,
    destination: TripDestination | None = None,
    place: str = "",
    reason: str = "",
    client: str = "web",
) -> AwayRecord:
    """Record leave, a trip or training; a kind that needs approval goes up the approval line.

    Raises `RequestInvalid`. Records of one person are checked one at a time (a lock on the
    person's row), so two taps cannot record two overlapping absences.
    """
    end_date = end_date or start_date
    if not kind.is_active:
        raise RequestInvalid({"kind": [_("This kind is no longer offered; choose another.")]})
    get_user_model().objects.select_for_update().filter(pk=person.pk).first()
    days = _check(
        person=person,
        kind=kind,
        start_date=start_date,
        end_date=end_date,
        start_time=start_time,
        end_time=end_time,
    )
    record = AwayRecord.objects.create(
        person=person,
        kind=kind,
        start_date=start_date,
        end_date=end_date,
        start_time=start_time,
        end_time=end_time,
        destination=destination if kind.category == AwayKind.Category.TRIP else None,
        place=place.strip(),
        reason=reason.strip(),
        status=AwayRecord.Status.PENDING if kind.needs_approval else AwayRecord.Status.APPROVED,
    )
    if kind.needs_approval:
        try:
            record.approval = approvals.submit(
                applicant=person,
                doc_type=DOC_AWAY,
                title=_("%(kind)s: %(name)s, %(period)s")
                % {"kind": kind, "name": person, "period": _when(record)},
                body=record.reason,
                facts=_facts(record, days),
                subject=record,
                span_days=len(days),
                client=client,
            )
        except approvals.LineError as error:
            raise RequestInvalid({"__all__": [str(error)]}) from None
        record.save(update_fields=["approval", "updated_at"])
    return record


def withdraw_away(*, record: AwayRecord, actor: User, client: str = "web") -> AwayRecord:
    """회수: take back a pending record; the approval's signal marks it withdrawn."""
    if actor.pk != record.person_id:
        raise RequestInvalid({"__all__": [_("Only the person who recorded it can withdraw it.")]})
    if not record.can_withdraw:
        raise RequestInvalid({"__all__": [_("Only a pending record can be withdrawn.")]})
    try:
        approvals.withdraw(document=record.approval, actor=actor, client=client)
    except approvals.AlreadyDecided:
        raise RequestInvalid({"__all__": [_("The record has already been decided.")]}) from None
    record.refresh_from_db()
    return record


@transaction.atomic
def cancel_away(*, record: AwayRecord, actor: User, today: dt.date | None = None) -> AwayRecord:
    """Take back an approved record that has not ended by `today` (the office's date by
    default): plans change, a trip is called off."""
    record = AwayRecord.objects.select_for_update().get(pk=record.pk)
    if actor.pk != record.person_id:
        raise RequestInvalid({"__all__": [_("Only the person who recorded it can cancel it.")]})
    if not record.can_cancel_on(today or clock.today()):
        raise RequestInvalid(
            {"__all__": [_("Only an approved record that has not ended can be cancelled.")]}
        )
    record.status = AwayRecord.Status.CANCELLED
    record.save(update_fields=["status", "updated_at"])
    return record


def on_document_decided(sender, document, outcome, **kwargs) -> None:
    """Follow an away record's approval, inside the deciding transaction."""
    record = AwayRecord.objects.select_for_update().filter(approval_id=document.pk).first()
    if record is None or record.status != AwayRecord.Status.PENDING:
        return
    record.status = {
        "approved": AwayRecord.Status.APPROVED,
        "returned": AwayRecord.Status.RETURNED,
        "withdrawn": AwayRecord.Status.WITHDRAWN,
    }.get(outcome, record.status)
    record.save(update_fields=["status", "updated_at"])


def on_document_resubmitted(sender, document, **kwargs) -> None:
    """A returned record sent again (a new round) is pending again, if its time is still free;
    otherwise the resubmission fails (an exception here undoes it)."""
    record = AwayRecord.objects.select_for_update().filter(approval_id=document.pk).first()
    if record is None or record.status != AwayRecord.Status.RETURNED:
        return
    _check(
        person=record.person,
        kind=record.kind,
        start_date=record.start_date,
        end_date=record.end_date,
        start_time=record.start_time,
        end_time=record.end_time,
        exclude_pk=record.pk,
    )
    record.status = AwayRecord.Status.PENDING
    record.save(update_fields=["status", "updated_at"])


# --- the personnel system's export ---------------------------------------------------------


@dataclass
class ImportReport:
    rows: list[rules.ImportRow] = field(default_factory=list)
    recorded: int = 0
    already: int = 0

    @property
    def refused(self) -> list[rules.ImportRow]:
        return [row for row in self.rows if not row.is_valid]

    @property
    def valid(self) -> int:
        return sum(1 for row in self.rows if row.is_valid)


def _source_key(row: rules.ImportRow) -> str:
    """The export's own record key when it has one, else one made of what the row says."""
    values = row.values
    if values.get("source_key"):
        return f"personnel:{values['source_key']}"[:120]
    text = "|".join(
        str(part)
        for part in (
            values.get("employee_number"),
            values.get("kind"),
            row.start_date,
            row.end_date,
            row.start_time,
            row.end_time,
        )
    )
    return "personnel:" + hashlib.sha256(text.encode()).hexdigest()[:40]


def _kind_by_name() -> dict[str, AwayKind]:
    kinds = {}
    for kind in AwayKind.objects.all():
        for label in (kind.name, kind.name_en, kind.code):
            if label:
                kinds[label.strip().lower()] = kind
    return kinds


def import_personnel_csv(*, payload: bytes, commit: bool) -> ImportReport:
    """Read the personnel system's CSV export; with `commit`, record every valid row (approved:
    the personnel system already decided them) in one transaction. A file read twice adds nothing.

    Raises `rules.FileRefused` for a file that cannot be read at all.
    """
    if len(payload) > rules.MAX_BYTES:
        raise rules.FileRefused(
            _("The file is larger than %(mb)s MB; export a shorter period.")
            % {"mb": rules.MAX_BYTES // (1024 * 1024)}
        )
    report = ImportReport(rows=rules.read_rows(rules.decode(payload)))
    numbers = {row.values.get("employee_number") for row in report.rows}
    people = {
        u.employee_number: u for u in get_user_model().objects.filter(employee_number__in=numbers)
    }
    kinds = _kind_by_name()
    known = set(
        AwayRecord.objects.filter(
            source_key__in=[_source_key(row) for row in report.rows if row.is_valid]
        ).values_list("source_key", flat=True)
    )
    with transaction.atomic():
        for row in report.rows:
            person = people.get(row.values.get("employee_number"))
            kind = kinds.get(row.values.get("kind", "").strip().lower())
            if row.values.get("employee_number") and person is None:
                row.reasons.append(
                    _("No one has the employee number %(number)s.")
                    % {"number": row.values["employee_number"]}
                )
            if row.values.get("kind") and kind is None:
                row.reasons.append(
                    _("“%(kind)s” is not a kind of 근무상황 here; an admin can add it.")
                    % {"kind": row.values["kind"]}
                )
            if not row.is_valid:
                continue
            key = _source_key(row)
            if key in known:
                report.already += 1
                continue
            try:
                with transaction.atomic():
                    _check(
                        person=person,
                        kind=kind,
                        start_date=row.start_date,
                        end_date=row.end_date,
                        start_time=row.start_time,
                        end_time=row.end_time,
                    )
                    AwayRecord.objects.create(
                        person=person,
                        kind=kind,
                        start_date=row.start_date,
                        end_date=row.end_date,
                        start_time=row.start_time,
                        end_time=row.end_time,
                        place=row.values.get("place", "")[:200],
                        reason=row.values.get("reason", ""),
                        status=AwayRecord.Status.APPROVED,
                        origin=AwayRecord.Origin.PERSONNEL,
                        source_key=key,
                    )
            except RequestInvalid as invalid:
                row.reasons.extend(m for messages in invalid.errors.values() for m in messages)
                continue
            except IntegrityError:
                report.already += 1  # the same row twice in one file, or a parallel import
                continue
            known.add(key)
            report.recorded += 1
        if not commit:
            transaction.set_rollback(True)
    return report
