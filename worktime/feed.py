"""The personal iCalendar feed (RFC 5545): one event per arranged day, plus seat bookings and
근무상황, at a secret address per person that they can reset."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction

from core import clock
from smartcenters import selectors as centers

from . import selectors
from .away import selectors as away_selectors
from .models import CalendarFeed, Status

if TYPE_CHECKING:
    from accounts.models import User

SEOUL = "Asia/Seoul"


def _escape(text: str) -> str:
    return (
        str(text)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space (RFC 5545 3.1)."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    parts, current = [], b""
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > (75 if not parts else 74):
            parts.append(current.decode("utf-8"))
            current = b""
        current += encoded
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)


def _local(day: dt.date, time: dt.time) -> str:
    return dt.datetime.combine(day, time).strftime("%Y%m%dT%H%M%S")


def _away_event(record, *, host: str, stamp: str) -> list[str]:
    """One event for a 근무상황 record: timed for part of a day, all-day over its range else."""
    summary = str(record.kind)
    if record.status != Status.APPROVED:
        summary += f" ({record.get_status_display()})"
    event = [
        "BEGIN:VEVENT",
        f"UID:away-{record.pk}@{host}",
        f"DTSTAMP:{stamp}",
        f"SUMMARY:{_escape(summary)}",
        f"STATUS:{'CONFIRMED' if record.status == Status.APPROVED else 'TENTATIVE'}",
    ]
    if record.start_time:
        event += [
            f"DTSTART;TZID={SEOUL}:{_local(record.start_date, record.start_time)}",
            f"DTEND;TZID={SEOUL}:{_local(record.start_date, record.end_time)}",
        ]
    else:
        event += [
            f"DTSTART;VALUE=DATE:{record.start_date:%Y%m%d}",
            f"DTEND;VALUE=DATE:{record.end_date + dt.timedelta(days=1):%Y%m%d}",
        ]
    where = " ".join(str(part) for part in (record.destination or "", record.place) if part)
    if where:
        event.append(f"LOCATION:{_escape(where)}")
    event.append("END:VEVENT")
    return event


def calendar_for(user: User, *, today: dt.date, now: dt.datetime | None = None) -> str:
    """The person's calendar from a month before `today`, stamped `now` (the clock's)."""
    host = settings.SITE_URL.split("//")[-1].split("/")[0] or "flexwork"
    stamp = (now or clock.now()).astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Flexwork//Flexible work//KO",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:Flexwork",
        f"X-WR-TIMEZONE:{SEOUL}",
    ]
    since = today - dt.timedelta(days=31)
    for day in selectors.feed_days(user, since=since):
        arrangement = day.arrangement
        summary = f"{arrangement.get_kind_display()}"
        seat = day.booking.seat if day.booking_id else arrangement.seat
        location = ""
        if seat is not None:
            location = f"{seat.center.name} {seat.label}"
            summary += f" · {seat.center.short_name} {seat.label}"
        if arrangement.status != Status.APPROVED:
            summary += f" ({arrangement.get_status_display()})"
        event = [
            "BEGIN:VEVENT",
            f"UID:arrangement-{arrangement.pk}-{day.date:%Y%m%d}@{host}",
            f"DTSTAMP:{stamp}",
            f"SUMMARY:{_escape(summary)}",
            f"STATUS:{'CONFIRMED' if arrangement.status == Status.APPROVED else 'TENTATIVE'}",
        ]
        if day.start_time and day.end_time:
            event += [
                f"DTSTART;TZID={SEOUL}:{_local(day.date, day.start_time)}",
                f"DTEND;TZID={SEOUL}:{_local(day.date, day.end_time)}",
            ]
        else:
            event += [
                f"DTSTART;VALUE=DATE:{day.date:%Y%m%d}",
                f"DTEND;VALUE=DATE:{day.date + dt.timedelta(days=1):%Y%m%d}",
            ]
        if location:
            event.append(f"LOCATION:{_escape(location)}")
        event.append("END:VEVENT")
        lines += event
    for booking in centers.self_bookings_since(user, since=since):
        starts, ends = booking.seat.center.hours.slot_times(booking.slot)
        lines += [
            "BEGIN:VEVENT",
            f"UID:booking-{booking.pk}@{host}",
            f"DTSTAMP:{stamp}",
            f"SUMMARY:{_escape(str(booking.seat))}",
            f"LOCATION:{_escape(booking.seat.center.name)}",
            f"DTSTART;TZID={SEOUL}:{_local(booking.date, starts)}",
            f"DTEND;TZID={SEOUL}:{_local(booking.date, ends)}",
            "END:VEVENT",
        ]
    for record in away_selectors.feed_records(user, since=since):
        lines += _away_event(record, host=host, stamp=stamp)
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"


# --- the secret address ----------------------------------------------------------------------


def owner_of_feed(token: str) -> User | None:
    """The active person whose secret feed address carries this token, else None."""
    feed_row = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if feed_row is None or not feed_row.user.is_active:
        return None
    return feed_row.user


def calendar_feed_for(user: User) -> CalendarFeed:
    """The person's feed address, made on first use."""
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
