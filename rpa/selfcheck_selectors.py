"""What the health team reads about self-checks: the day's answers, histories, the call list."""

import datetime
from dataclasses import dataclass, field

from django_celery_beat.models import PeriodicTask

from accounts.selectors import mask_phone
from core import clock

from . import rules, selfcheck_rules
from .models import CallLog, HealthSettings, MessageKind, OutboxMessage, Recipient, SelfCheck

REMINDER_TASK = "rpa.tasks.send_selfcheck_reminders"


def thresholds() -> HealthSettings:
    """The health lead's thresholds; the defaults until they are first saved in the admin."""
    return HealthSettings.objects.filter(pk=1).first() or HealthSettings()


def is_flagged(check: SelfCheck, settings: HealthSettings) -> bool:
    return selfcheck_rules.is_flagged(
        check.temperature,
        check.symptoms,
        fever_from=settings.fever_from,
        flag_any_symptom=settings.flag_any_symptom,
    )


def quarantined_without_check(day: datetime.date) -> list[Recipient]:
    """Residents in quarantine on `day` who were texted and have not sent that day's check.

    One entry a person (same name and phone): a person listed on several days' sheets is one
    resident, and a check sent from any of their links counts.
    """
    candidates = (
        Recipient.objects.filter(
            status=Recipient.Status.VALID,
            message_kind=MessageKind.QUARANTINE,
            quarantine_start__lte=day,
            quarantine_end__gte=day,
            messages__kind=MessageKind.QUARANTINE,
            messages__status__in=(
                OutboxMessage.Status.SENT,
                OutboxMessage.Status.DELIVERED,
                OutboxMessage.Status.SENDING,
                OutboxMessage.Status.UNKNOWN,
            ),
        )
        .select_related("upload")
        .order_by("-upload__created_at", "row")
    )
    checked = {
        rules.resident_key(name=n, phone=p)
        for n, p in SelfCheck.objects.filter(day=day).values_list(
            "recipient__name", "recipient__phone"
        )
    }
    people: dict[str, Recipient] = {}
    for recipient in candidates:
        key = rules.resident_key(name=recipient.name, phone=recipient.phone)
        if key in checked or key in people:
            continue
        people[key] = recipient
    return list(people.values())


@dataclass
class Answer:
    check: SelfCheck
    masked_name: str
    flagged: bool
    chart: selfcheck_rules.Chart | None = None


@dataclass
class Missing:
    recipient: Recipient
    masked_name: str
    masked_phone: str
    missed_day_before: bool
    last_call: CallLog | None = None


@dataclass
class DayAnswers:
    day: datetime.date
    flagged: list[Answer] = field(default_factory=list)
    others: list[Answer] = field(default_factory=list)
    missing: list[Missing] = field(default_factory=list)


def _key(recipient: Recipient) -> str:
    return rules.resident_key(name=recipient.name, phone=recipient.phone)


def answers_of_day(day: datetime.date, *, with_charts: bool = True) -> DayAnswers:
    """The day's answers, flagged ones first (hottest first), then the rest, then who is missing."""
    limits = thresholds()
    checks = list(
        SelfCheck.objects.filter(day=day)
        .select_related("recipient")
        .order_by("-temperature", "submitted_at")
    )
    history = _histories([c.recipient for c in checks]) if with_charts else {}
    result = DayAnswers(day=day)
    for check in checks:
        recipient = check.recipient
        answer = Answer(
            check=check,
            masked_name=selfcheck_rules.mask_name(recipient.name),
            flagged=is_flagged(check, limits),
        )
        if with_charts:
            answer.chart = selfcheck_rules.temperature_chart(
                [(c.day, c.temperature, is_flagged(c, limits)) for c in history[_key(recipient)]],
                start=recipient.quarantine_start or day,
                end=recipient.quarantine_end or day,
                fever_from=limits.fever_from,
            )
        (result.flagged if answer.flagged else result.others).append(answer)
    result.missing = missing_of_day(day)
    return result


def _histories(recipients: list[Recipient]) -> dict[str, list[SelfCheck]]:
    """Every check of these residents, by resident (one person may be on several sheets)."""
    keys = {_key(r) for r in recipients}
    found: dict[str, list[SelfCheck]] = {key: [] for key in keys}
    phones = {r.phone for r in recipients}
    for check in SelfCheck.objects.filter(recipient__phone__in=phones).select_related("recipient"):
        key = _key(check.recipient)
        if key in found:
            found[key].append(check)
    return found


def missing_of_day(day: datetime.date) -> list[Missing]:
    """Residents in quarantine without the day's check; those who missed the day before too first."""
    people = quarantined_without_check(day)
    before = day - datetime.timedelta(days=1)
    checked_before = {
        rules.resident_key(name=n, phone=p)
        for n, p in SelfCheck.objects.filter(day=before).values_list(
            "recipient__name", "recipient__phone"
        )
    }
    missing = [
        Missing(
            recipient=person,
            masked_name=selfcheck_rules.mask_name(person.name),
            masked_phone=mask_phone(person.phone),
            missed_day_before=bool(
                person.quarantine_start
                and person.quarantine_start <= before
                and _key(person) not in checked_before
            ),
        )
        for person in people
    ]
    missing.sort(key=lambda m: not m.missed_day_before)
    return missing


def call_list(day: datetime.date) -> list[Missing]:
    """Who was reminded on `day` and still has not answered, with the day's last call to them."""
    reminded = {
        rules.resident_key(name=n, phone=p)
        for n, p in OutboxMessage.objects.filter(
            kind=MessageKind.REMINDER, dedupe_key__startswith=f"reminder|{day.isoformat()}|"
        ).values_list("recipient__name", "recipient__phone")
    }
    people = [m for m in missing_of_day(day) if _key(m.recipient) in reminded]
    calls: dict[str, CallLog] = {}
    for call in CallLog.objects.filter(day=day).select_related("recipient", "called_by"):
        calls.setdefault(_key(call.recipient), call)  # newest first (the model's ordering)
    for person in people:
        person.last_call = calls.get(_key(person.recipient))
    return people


def reminder_times() -> list[str]:
    """The day's reminder times as the admin has them (enabled daily crontab jobs), as HH:MM."""
    times = []
    jobs = PeriodicTask.objects.filter(
        task=REMINDER_TASK, enabled=True, crontab__isnull=False
    ).select_related("crontab")
    for job in jobs:
        hour, minute = job.crontab.hour, job.crontab.minute
        if hour.isdigit() and minute.isdigit():
            times.append(f"{int(hour):02d}:{int(minute):02d}")
    return sorted(times)


def reminders_done(day: datetime.date, *, now: datetime.datetime | None = None) -> bool:
    """Whether the day's last reminder time has passed (always, for a day gone by)."""
    now = clock.local_now(now)
    if day < now.date():
        return True
    times = reminder_times()
    return bool(times) and day == now.date() and now.strftime("%H:%M") >= times[-1]
