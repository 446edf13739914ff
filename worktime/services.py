"""State changes of flexible work: request, follow the approval, cancel, and the calendar feed."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from approvals import services as approvals
from core.errors import Conflict, Invalid
from core.workdays import work_calendar
from smartcenters import closing
from smartcenters import services as centers
from smartcenters.selectors import BookingOrigin, BookingStatus

from . import rules
from .models import (
    Arrangement,
    ArrangementDay,
    CalendarFeed,
    Status,
    WorkPolicy,
)

# Approval document types (created by the approvals app's data migration).
DOC_FLEXIBLE = "worktime.flexible"
DOC_REMOTE = "worktime.remote"
DOC_CANCEL = "worktime.cancel"


class RequestInvalid(Invalid):
    """A request is refused: `errors` maps field names (`__all__`: the whole request) to
    sentences, all of them at once so the person fixes the form in one go."""

    def __init__(self, errors: dict[str, list[str]]):
        field, texts = next(iter(errors.items()))
        super().__init__(texts[0], field=None if field == "__all__" else field, errors=errors)


class RequestConflict(RequestInvalid, Conflict):
    """The request's state does not allow this any more (decided, withdrawn, started)."""

    code = Conflict.code

    def __init__(self, message: str):
        super().__init__({"__all__": [message]})


def local_today() -> dt.date:
    return timezone.localdate()


def doc_type_for(kind: str) -> str:
    return DOC_REMOTE if kind in rules.Kind.REMOTE else DOC_FLEXIBLE


def policy_for(kind: str) -> rules.Policy:
    policy = WorkPolicy.objects.filter(kind=kind).first()
    if policy is None:
        return rules.default_policy(kind)
    return policy.as_rules()


def _taken_days(user: User, start: dt.date, end: dt.date) -> dict[dt.date, str]:
    days = ArrangementDay.objects.filter(
        user=user, is_active=True, date__range=(start, end)
    ).select_related("arrangement")
    return {
        d.date: f"{d.arrangement.get_kind_display()}, {d.arrangement.get_status_display()}"
        for d in days
    }


def _month_usage(user: User, kind: str, start: dt.date, end: dt.date) -> dict[tuple[int, int], int]:
    first = start.replace(day=1)
    rows = (
        ArrangementDay.objects.filter(
            user=user,
            is_active=True,
            arrangement__kind=kind,
            date__gte=first,
            date__lte=end + dt.timedelta(days=31),
        )
        .annotate(y=ExtractYear("date"), m=ExtractMonth("date"))
        .values("y", "m")
        .annotate(n=Count("pk"))
    )
    return {(r["y"], r["m"]): r["n"] for r in rows}


def _facts(
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


@dataclass
class CheckedRequest:
    """A request that passed the rules: its fields as they will be stored, and its days."""

    kind: str
    start_date: dt.date
    end_date: dt.date
    weekdays: list[int]
    start_time: dt.time | None
    hours: Decimal | None
    daily_hours: dict[str, str]
    reason: str
    is_emergency: bool
    emergency_reason: str
    center: object
    seat: object
    days: list[rules.DayPlan]
    # (date, "12월 25일 (기독탄신일)") for the days of the period that are not worked.
    skipped: list[tuple[dt.date, str]] = dataclasses.field(default_factory=list)

    def apply_to(self, arrangement: Arrangement) -> None:
        """Every field but the days is the arrangement's own field of that name."""
        for field in dataclasses.fields(self):
            if field.name not in ("days", "skipped"):
                setattr(arrangement, field.name, getattr(self, field.name))


def _check_request(
    *,
    applicant: User,
    kind: str,
    start_date: dt.date | None,
    end_date: dt.date | None = None,
    weekdays: list[int] | tuple[int, ...] | None = None,
    start_time: dt.time | None = None,
    hours: Decimal | None = None,
    daily_hours: dict[int, Decimal] | None = None,
    reason: str = "",
    is_emergency: bool = False,
    emergency_reason: str = "",
    center=None,
    seat=None,
) -> CheckedRequest:
    """Check a request against its kind's policy and the person's other days; lock the person
    first so that the overlap and monthly checks read a stable picture. Raises RequestInvalid."""
    if kind not in rules.Kind.ALL:
        raise RequestInvalid({"kind": [_("Choose a kind of arrangement.")]})
    policy_row = WorkPolicy.objects.filter(kind=kind).first()
    if policy_row is not None and not policy_row.is_enabled:
        raise RequestInvalid({"kind": [_("This kind of arrangement is not open for requests.")]})
    policy = policy_row.as_rules() if policy_row else rules.default_policy(kind)

    User.objects.select_for_update().filter(pk=applicant.pk).first()

    errors: dict[str, list[str]] = {}
    if (
        kind == rules.Kind.SMART_WORK
        and seat is not None
        and center is not None
        and seat.center_id != center.pk
    ):
        errors["seat"] = [_("That seat is not at the chosen center.")]
    if kind == rules.Kind.SMART_WORK and seat is not None and center is None:
        center = seat.center
    end = end_date or start_date
    request = rules.Request(
        kind=kind,
        start_date=start_date,
        end_date=end,
        weekdays=tuple(weekdays) if weekdays else None,
        start_time=start_time,
        hours=hours,
        daily_hours={int(k): Decimal(v) for k, v in (daily_hours or {}).items()} or None,
        reason=reason or "",
        is_emergency=is_emergency,
        emergency_reason=emergency_reason or "",
        has_center=center is not None,
        has_seat=seat is not None,
    )
    try:
        if start_date is None or (end is not None and end < start_date):
            plan = rules.check_request(
                request, policy, today=local_today(), calendar=work_calendar()
            )
        else:
            plan = rules.check_request(
                request,
                policy,
                today=local_today(),
                calendar=work_calendar(start_date, end),
                taken_days=_taken_days(applicant, start_date, end),
                month_usage=_month_usage(applicant, kind, start_date, end),
            )
    except rules.RuleViolation as violation:
        for name, messages in violation.errors.items():
            errors.setdefault(name, []).extend(messages)
        raise RequestInvalid(errors) from None
    if errors:
        raise RequestInvalid(errors)
    smart_work = kind == rules.Kind.SMART_WORK
    return CheckedRequest(
        kind=kind,
        start_date=start_date,
        end_date=end,
        weekdays=sorted(set(weekdays)) if weekdays else [],
        start_time=start_time if kind in rules.Kind.TIMED else None,
        hours=hours if kind in rules.Kind.HOURS else None,
        daily_hours={str(k): str(v) for k, v in (request.daily_hours or {}).items()},
        reason=request.reason,
        is_emergency=is_emergency,
        emergency_reason=request.emergency_reason if is_emergency else "",
        center=center if smart_work else None,
        seat=seat if smart_work else None,
        days=plan.days,
        skipped=plan.skipped,
    )


def _record_days(arrangement: Arrangement, checked: CheckedRequest) -> None:
    """Store the request's days and hold its seats (smart work). Raises RequestInvalid."""
    try:
        with transaction.atomic():
            days = ArrangementDay.objects.bulk_create(
                ArrangementDay(
                    arrangement=arrangement,
                    user=arrangement.applicant,
                    date=day.date,
                    start_time=day.start_time,
                    end_time=day.end_time,
                    hours=day.hours,
                )
                for day in checked.days
            )
    except IntegrityError:
        # Another request of the same person took one of these days a moment ago.
        raise RequestInvalid(
            {"start_date": [_("You already have an arrangement on one of these days.")]}
        ) from None

    if checked.kind == rules.Kind.SMART_WORK:
        _hold_seats(arrangement.applicant, checked.seat, days)


def _hold_seats(person: User, seat, days: list[ArrangementDay]) -> None:
    """Hold `seat` for each day of a pending smart-work request. Raises RequestInvalid.

    The holds follow the arrangement, as long as its policy lets it run: the self-booking
    window and the per-person limit bind what a person books for themselves, not these.
    """
    for day in days:
        try:
            day.booking = centers.book_seat(
                user=person,
                seat=seat,
                date=day.date,
                slot="full",
                status=BookingStatus.HELD,
                origin=BookingOrigin.ARRANGEMENT,
                enforce_rules=False,
            )
        except centers.SeatTaken as taken:
            message = _("Seat %(seat)s is taken on %(date)s.") % {
                "seat": seat.label,
                "date": rules.fmt_date(day.date),
            }
            if taken.nearest_free_seat is not None:
                message += " " + _("The nearest free seat is %(seat)s.") % {
                    "seat": taken.nearest_free_seat
                }
            raise RequestInvalid({"seat": [message]}) from None
        except centers.PersonAlreadyBooked:
            raise RequestInvalid(
                {
                    "seat": [
                        _("You already hold a seat on %(date)s.")
                        % {"date": rules.fmt_date(day.date)}
                    ]
                }
            ) from None
        except centers.BookingRuleError as error:
            name = (
                "seat"
                if error.field in ("", "seat", "__all__", "slot")
                else ("start_date" if error.field == "date" else error.field)
            )
            raise RequestInvalid({name: [error.message]}) from None
    ArrangementDay.objects.bulk_update(days, ["booking"])


@transaction.atomic
def preview_request(*, applicant: User, **fields) -> CheckedRequest:
    """Check a request as `request_arrangement` would and record nothing: the days it would
    cover and the days of its period it skips. Raises `RequestInvalid`.

    Seats are not looked at: whether the seat is free each day is known when it is held.
    """
    return _check_request(applicant=applicant, **fields)


@transaction.atomic
def request_arrangement(*, applicant: User, client: str = "web", **fields) -> Arrangement:
    """Check a request, record its days, hold the seats of a smart-work request and submit it
    for approval: all or nothing, in one transaction. Raises `RequestInvalid`.

    `fields`: kind, start_date, end_date, weekdays, start_time, hours, daily_hours, reason,
    is_emergency, emergency_reason, center, seat (see `_check_request`).
    """
    checked = _check_request(applicant=applicant, **fields)
    arrangement = Arrangement(applicant=applicant, status=Status.DRAFT, client=client)
    checked.apply_to(arrangement)
    arrangement.save()
    _record_days(arrangement, checked)
    try:
        document = approvals.submit(
            applicant=applicant,
            doc_type=doc_type_for(checked.kind),
            title=title_for(arrangement, applicant),
            body=arrangement.reason,
            facts=_facts(arrangement, checked.days, checked.skipped),
            subject=arrangement,
            span_days=len(checked.days),
            client=client,
        )
    except approvals.LineError as error:
        raise RequestInvalid({"__all__": [str(error)]}) from None
    arrangement.approval = document
    arrangement.status = Status.PENDING
    arrangement.save(update_fields=["approval", "status", "updated_at"])
    return arrangement


@transaction.atomic
def revise_arrangement(
    *, arrangement: Arrangement, actor: User, client: str = "web", **fields
) -> Arrangement:
    """Revise a returned request (반려) and send it again: a new round of the same approval
    document, whose earlier rounds and reasons stay in its history.

    The kind stays; the rest is checked again as a new request would be, and the days and
    seats are recorded afresh. All or nothing: a refusal leaves the returned request as it
    was. Raises `RequestInvalid`.
    """
    arrangement = Arrangement.objects.select_for_update().get(pk=arrangement.pk)
    if actor.pk != arrangement.applicant_id:
        raise RequestInvalid({"__all__": [_("Only the applicant can revise a request.")]})
    if arrangement.status != Status.RETURNED or arrangement.approval_id is None:
        raise RequestInvalid({"__all__": [_("Only a returned request can be revised.")]})
    if fields.get("kind", arrangement.kind) != arrangement.kind:
        raise RequestInvalid(
            {"kind": [_("The kind cannot change: withdraw it and make a new request.")]}
        )
    fields["kind"] = arrangement.kind
    checked = _check_request(applicant=actor, **fields)
    # The returned round's days are inactive and their seats given back: the revision
    # replaces them (the document's history keeps what was asked before).
    arrangement.days.all().delete()
    checked.apply_to(arrangement)
    arrangement.status = Status.PENDING
    arrangement.client = client
    arrangement.save()
    _record_days(arrangement, checked)
    try:
        approvals.resubmit(
            document=arrangement.approval,
            actor=actor,
            title=title_for(arrangement, actor),
            body=arrangement.reason,
            facts=_facts(arrangement, checked.days, checked.skipped),
            span_days=len(checked.days),
            client=client,
        )
    except (approvals.AlreadyDecided, approvals.LineError) as error:
        raise RequestInvalid({"__all__": [str(error)]}) from None
    return arrangement


def withdraw_arrangement(
    *, arrangement: Arrangement, actor: User, client: str = "web"
) -> Arrangement:
    """회수: take back a pending request; the approval's signal releases the days and seats."""
    if not arrangement.can_withdraw:
        raise RequestConflict(_("Only a pending request can be withdrawn."))
    if actor.pk != arrangement.applicant_id:
        raise RequestConflict(_("Only the applicant can withdraw a request."))
    try:
        approvals.withdraw(document=arrangement.approval, actor=actor, client=client)
    except approvals.AlreadyDecided:
        raise RequestConflict(_("The request has already been decided.")) from None
    arrangement.refresh_from_db()
    return arrangement


@transaction.atomic
def cancel_arrangement(
    *, arrangement: Arrangement, actor: User, reason: str = "", client: str = "web"
) -> Arrangement:
    """Cancel an approved arrangement before its first day: at once, or through a cancellation
    approval where the kind's policy says so (the seats are released when it is approved)."""
    arrangement = Arrangement.objects.select_for_update().get(pk=arrangement.pk)
    if actor.pk != arrangement.applicant_id:
        raise RequestConflict(_("Only the applicant can cancel an arrangement."))
    if arrangement.status == Status.PENDING:
        raise RequestConflict(_("A pending request is withdrawn, not cancelled."))
    if not arrangement.can_cancel_on(local_today()):
        if arrangement.cancel_status == Arrangement.CancelStatus.PENDING:
            message = _("A cancellation is already waiting for approval.")
        elif arrangement.status == Status.APPROVED:
            message = _("An arrangement that has started can no longer be cancelled.")
        else:
            message = _("Only an approved arrangement can be cancelled.")
        raise RequestConflict(message)
    policy = WorkPolicy.objects.filter(kind=arrangement.kind).first()
    needs_approval = policy.cancel_needs_approval if policy else False
    arrangement.cancel_reason = reason
    if needs_approval:
        if not reason.strip():
            raise RequestInvalid({"reason": [_("Say why you cancel it.")]})
        try:
            document = approvals.submit(
                applicant=arrangement.applicant,
                doc_type=DOC_CANCEL,
                title=_("Cancel: %(title)s")
                % {"title": title_for(arrangement, arrangement.applicant)},
                body=reason,
                facts=[
                    [_("Kind"), str(arrangement.get_kind_display())],
                    [_("Period"), f"{arrangement.start_date} ~ {arrangement.end_date}"],
                    [_("Reason"), reason],
                ],
                subject=arrangement,
                span_days=arrangement.days.count(),
                client=client,
            )
        except (approvals.LineError, approvals.AlreadyDecided) as error:
            raise RequestConflict(str(error)) from None
        arrangement.cancel_approval = document
        arrangement.cancel_status = Arrangement.CancelStatus.PENDING
        arrangement.save(
            update_fields=["cancel_approval", "cancel_status", "cancel_reason", "updated_at"]
        )
        return arrangement
    _end(arrangement, Status.CANCELLED, actor=actor, reason=reason or _("Cancelled"))
    arrangement.save(update_fields=["cancel_reason"])
    return arrangement


def _end(arrangement: Arrangement, status: str, *, actor: User | None, reason: str) -> None:
    """Move an arrangement out of its active life: free its days and give its seats back."""
    arrangement.status = status
    arrangement.save(update_fields=["status", "updated_at"])
    days = list(arrangement.days.select_for_update().filter(is_active=True))
    booking_ids = [d.booking_id for d in days if d.booking_id]
    ArrangementDay.objects.filter(pk__in=[d.pk for d in days]).update(is_active=False)
    centers.give_back_bookings(
        booking_ids=booking_ids, actor=actor or arrangement.applicant, reason=reason
    )


def _approve(arrangement: Arrangement) -> None:
    arrangement.status = Status.APPROVED
    arrangement.save(update_fields=["status", "updated_at"])
    booking_ids = arrangement.days.filter(is_active=True, booking__isnull=False).values_list(
        "booking_id", flat=True
    )
    centers.confirm_held_bookings(booking_ids=list(booking_ids))


def on_document_decided(sender, document, outcome, **kwargs) -> None:
    """Follow an approval document's outcome, inside the deciding transaction."""
    arrangement = Arrangement.objects.select_for_update().filter(approval_id=document.pk).first()
    if arrangement is not None:
        if arrangement.status != Status.PENDING:
            return  # already followed (a closure's order-approved arrangement, a replay)
        if outcome == "approved":
            _approve(arrangement)
        elif outcome in ("returned", "withdrawn"):
            # The approvals app tells the applicant the outcome; here the days and seats go.
            _end(
                arrangement,
                Status.RETURNED if outcome == "returned" else Status.WITHDRAWN,
                actor=None,
                reason=outcome,
            )
        return
    arrangement = (
        Arrangement.objects.select_for_update().filter(cancel_approval_id=document.pk).first()
    )
    if arrangement is None or arrangement.cancel_status != Arrangement.CancelStatus.PENDING:
        return
    if outcome == "approved":
        arrangement.cancel_status = Arrangement.CancelStatus.APPROVED
        arrangement.save(update_fields=["cancel_status", "updated_at"])
        _end(
            arrangement,
            Status.CANCELLED,
            actor=None,
            reason=arrangement.cancel_reason or "cancelled",
        )
    elif outcome in ("returned", "withdrawn"):
        arrangement.cancel_status = (
            Arrangement.CancelStatus.RETURNED
            if outcome == "returned"
            else Arrangement.CancelStatus.WITHDRAWN
        )
        arrangement.save(update_fields=["cancel_status", "updated_at"])


def on_office_holiday_saved(sender, instance, **kwargs) -> None:
    """A new office holiday closes every smart-work center that day: its bookings go."""
    closing.cancel_bookings_on_closed_days(
        starts_on=instance.date, ends_on=instance.date, reason=instance.name
    )


# --- the calendar feed ---------------------------------------------------------------------


def calendar_feed_for(user: User) -> CalendarFeed:
    feed, _created = CalendarFeed.objects.get_or_create(
        user=user, defaults={"token": CalendarFeed.new_token()}
    )
    return feed


@transaction.atomic
def reset_calendar_feed(*, user: User) -> CalendarFeed:
    """Give the person a new secret address; the old one stops working at once."""
    feed = calendar_feed_for(user)
    feed = CalendarFeed.objects.select_for_update().get(pk=feed.pk)
    feed.token = CalendarFeed.new_token()
    feed.save(update_fields=["token", "created_at"])
    return feed


def on_document_resubmitted(sender, document, **kwargs) -> None:
    """A returned request sent again (a new round): it takes its days and seats back, or the
    resubmission fails (an exception here undoes it) when another arrangement took them."""
    arrangement = Arrangement.objects.select_for_update().filter(approval_id=document.pk).first()
    if arrangement is None or arrangement.status != Status.RETURNED:
        return
    if arrangement.start_date < local_today():
        raise RequestInvalid({"start_date": [_("The first day has already passed.")]})
    days = list(arrangement.days.select_for_update())
    try:
        with transaction.atomic():
            ArrangementDay.objects.filter(pk__in=[d.pk for d in days]).update(is_active=True)
    except IntegrityError:
        raise RequestInvalid(
            {"start_date": [_("You already have an arrangement on one of these days.")]}
        ) from None
    if arrangement.kind == rules.Kind.SMART_WORK and arrangement.seat_id:
        _hold_seats(arrangement.applicant, arrangement.seat, days)
    arrangement.status = Status.PENDING
    arrangement.save(update_fields=["status", "updated_at"])
