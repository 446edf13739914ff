"""State changes of flexible work: request, revise, withdraw, cancel, and follow the approval."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from approvals import services as approvals
from approvals.signals import Outcome
from core import clock
from core.errors import Conflict, Invalid
from smartcenters import services as centers
from smartcenters.selectors import BookingOrigin, BookingStatus

from . import rules, selectors
from .checking import CheckedRequest, check_request
from .documents import DOC_CANCEL, cancel_facts, cancel_title, doc_type_for, facts_of, title_for
from .models import Arrangement, ArrangementDay, Status

if TYPE_CHECKING:
    from accounts.models import User


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


def _check(*, applicant: User, now: dt.datetime | None, **fields) -> CheckedRequest:
    """The request checked (see `checking.check_request`) on the office's date at `now`, or
    `RequestInvalid` with every reason."""
    try:
        return check_request(applicant=applicant, today=clock.today(now), **fields)
    except rules.RuleViolation as violation:
        raise RequestInvalid(violation.errors) from None


def _record_days(
    arrangement: Arrangement, checked: CheckedRequest, *, now: dt.datetime | None
) -> None:
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
        _hold_seats(arrangement.applicant, checked.seat, days, now=now)


def _hold_seats(person: User, seat, days: list[ArrangementDay], *, now: dt.datetime | None) -> None:
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
                now=now,
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
def preview_request(*, applicant: User, now: dt.datetime | None = None, **fields) -> CheckedRequest:
    """Check a request as `request_arrangement` would and record nothing: the days it would
    cover and the days of its period it skips. Raises `RequestInvalid`.

    Seats are not looked at: whether the seat is free each day is known when it is held.
    """
    return _check(applicant=applicant, now=now, **fields)


@transaction.atomic
def request_arrangement(
    *, applicant: User, client: str = "web", now: dt.datetime | None = None, **fields
) -> Arrangement:
    """Check a request, record its days, hold the seats of a smart-work request and submit it
    for approval: all or nothing, in one transaction. Raises `RequestInvalid`.

    `fields`: kind, start_date, end_date, weekdays, start_time, hours, daily_hours, reason,
    is_emergency, emergency_reason, center, seat (see `checking.check_request`). The lead times
    count from the office's date at `now` (the clock's by default), and the seats are held then.
    """
    checked = _check(applicant=applicant, now=now, **fields)
    arrangement = Arrangement(applicant=applicant, status=Status.DRAFT, client=client)
    checked.apply_to(arrangement)
    arrangement.save()
    _record_days(arrangement, checked, now=now)
    try:
        document = approvals.submit(
            applicant=applicant,
            doc_type=doc_type_for(checked.kind),
            title=title_for(arrangement, applicant),
            body=arrangement.reason,
            facts=facts_of(arrangement, checked.days, checked.skipped),
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
    *,
    arrangement: Arrangement,
    actor: User,
    client: str = "web",
    now: dt.datetime | None = None,
    **fields,
) -> Arrangement:
    """Revise a returned request (반려) and send it again: a new round of the same approval
    document, whose earlier rounds and reasons stay in its history.

    The kind stays; the rest is checked again as a new request would be, and the days and
    seats are recorded afresh. All or nothing: a refusal leaves the returned request as it
    was. Raises `RequestInvalid`.
    """
    arrangement = Arrangement.objects.select_for_update().get(pk=arrangement.pk)
    if actor.pk != arrangement.applicant_id:
        raise RequestConflict(_("Only the applicant can revise a request."))
    if arrangement.status != Status.RETURNED or arrangement.approval_id is None:
        raise RequestConflict(_("Only a returned request can be revised."))
    if fields.get("kind", arrangement.kind) != arrangement.kind:
        raise RequestInvalid(
            {"kind": [_("The kind cannot change: withdraw it and make a new request.")]}
        )
    fields["kind"] = arrangement.kind
    checked = _check(applicant=actor, now=now, **fields)
    # The returned round's days are inactive and their seats given back: the revision
    # replaces them (the document's history keeps what was asked before).
    arrangement.days.all().delete()
    checked.apply_to(arrangement)
    arrangement.status = Status.PENDING
    arrangement.client = client
    arrangement.save()
    _record_days(arrangement, checked, now=now)
    try:
        approvals.resubmit(
            document=arrangement.approval,
            actor=actor,
            title=title_for(arrangement, actor),
            body=arrangement.reason,
            facts=facts_of(arrangement, checked.days, checked.skipped),
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
    *,
    arrangement: Arrangement,
    actor: User,
    reason: str = "",
    client: str = "web",
    today: dt.date | None = None,
) -> Arrangement:
    """Cancel an approved arrangement before its first day (`today`, the office's date by
    default, is too late): at once, or through a cancellation approval where the kind's policy
    says so (the seats are released when it is approved)."""
    arrangement = Arrangement.objects.select_for_update().get(pk=arrangement.pk)
    if actor.pk != arrangement.applicant_id:
        raise RequestConflict(_("Only the applicant can cancel an arrangement."))
    if arrangement.status == Status.PENDING:
        raise RequestConflict(_("A pending request is withdrawn, not cancelled."))
    if not arrangement.can_cancel_on(today or clock.today()):
        if arrangement.cancel_status == Arrangement.CancelStatus.PENDING:
            message = _("A cancellation is already waiting for approval.")
        elif arrangement.status == Status.APPROVED:
            message = _("An arrangement that has started can no longer be cancelled.")
        else:
            message = _("Only an approved arrangement can be cancelled.")
        raise RequestConflict(message)
    policy = selectors.work_policy(arrangement.kind)
    needs_approval = policy.cancel_needs_approval if policy else False
    arrangement.cancel_reason = reason
    if needs_approval:
        if not reason.strip():
            raise RequestInvalid({"reason": [_("Say why you cancel it.")]})
        try:
            document = approvals.submit(
                applicant=arrangement.applicant,
                doc_type=DOC_CANCEL,
                title=cancel_title(arrangement),
                body=reason,
                facts=cancel_facts(arrangement, reason),
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
        if outcome == Outcome.APPROVED:
            _approve(arrangement)
        elif outcome in (Outcome.RETURNED, Outcome.WITHDRAWN):
            # The approvals app tells the applicant the outcome; here the days and seats go.
            _end(
                arrangement,
                Status.RETURNED if outcome == Outcome.RETURNED else Status.WITHDRAWN,
                actor=None,
                reason=outcome,
            )
        return
    arrangement = (
        Arrangement.objects.select_for_update().filter(cancel_approval_id=document.pk).first()
    )
    if arrangement is None or arrangement.cancel_status != Arrangement.CancelStatus.PENDING:
        return
    if outcome == Outcome.APPROVED:
        arrangement.cancel_status = Arrangement.CancelStatus.APPROVED
        arrangement.save(update_fields=["cancel_status", "updated_at"])
        _end(
            arrangement,
            Status.CANCELLED,
            actor=None,
            reason=arrangement.cancel_reason or "cancelled",
        )
    elif outcome in (Outcome.RETURNED, Outcome.WITHDRAWN):
        arrangement.cancel_status = (
            Arrangement.CancelStatus.RETURNED
            if outcome == Outcome.RETURNED
            else Arrangement.CancelStatus.WITHDRAWN
        )
        arrangement.save(update_fields=["cancel_status", "updated_at"])


def on_office_holiday_saved(sender, instance, **kwargs) -> None:
    """A new office holiday closes every smart-work center that day: its bookings go."""
    centers.cancel_bookings_on_closed_days(
        starts_on=instance.date, ends_on=instance.date, reason=instance.name
    )


def on_document_resubmitted(sender, document, now: dt.datetime | None = None, **kwargs) -> None:
    """A returned request sent again (a new round) at `now` (the clock's by default): it takes
    its days and seats back, or the resubmission fails (an exception here undoes it) when
    another arrangement took them or its first day has passed."""
    arrangement = Arrangement.objects.select_for_update().filter(approval_id=document.pk).first()
    if arrangement is None or arrangement.status != Status.RETURNED:
        return
    if arrangement.start_date < clock.today(now):
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
        _hold_seats(arrangement.applicant, arrangement.seat, days, now=now)
    arrangement.status = Status.PENDING
    arrangement.save(update_fields=["status", "updated_at"])
