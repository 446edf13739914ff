"""근무상황 without the database: which days a record covers, and reading the personnel CSV.

The personnel system's export is read with the same care as a case sheet: the encoding is
detected (UTF-8 with or without BOM, UTF-16, or the CP949 that Korean Excel writes), headers
are found by their usual names, and every row gets a verdict with a reason a person can act on.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from core.workdays import WorkCalendar

from .. import rules as worktime_rules

# The CSV's columns by the names personnel systems and people use for them.
HEADERS: dict[str, tuple[str, ...]] = {
    "employee_number": ("사번", "직원번호", "개인번호", "employee number", "employee_no"),
    "name": ("성명", "이름", "name"),
    "kind": ("근무상황", "구분", "종류", "근태", "kind"),
    "start_date": ("시작일", "시작일자", "시작 일자", "기간시작", "from", "start date"),
    "end_date": ("종료일", "종료일자", "종료 일자", "기간종료", "to", "end date"),
    "start_time": ("시작시각", "시작시간", "시작 시각", "from time", "start time"),
    "end_time": ("종료시각", "종료시간", "종료 시각", "to time", "end time"),
    "place": ("행선지", "장소", "목적지", "출장지", "place", "destination"),
    "reason": ("사유", "비고", "목적", "reason"),
    "source_key": ("문서번호", "관리번호", "일련번호", "번호", "record id", "id"),
}
REQUIRED = ("employee_number", "kind", "start_date")
MAX_ROWS = 20_000
MAX_BYTES = 5 * 1024 * 1024

DATE_PATTERN = re.compile(r"^\s*(\d{4})\s*[-./년]\s*(\d{1,2})\s*[-./월]\s*(\d{1,2})\s*일?\s*$")
COMPACT_DATE = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})\s*$")
TIME_PATTERN = re.compile(r"^\s*(\d{1,2})\s*[:시]\s*(\d{2})?\s*분?\s*$")
COMPACT_TIME = re.compile(r"^\s*(\d{2})(\d{2})\s*$")


class FileRefused(Exception):
    """The whole file cannot be read; the message says what to change."""


def covered_days(
    start: dt.date, end: dt.date, calendar: WorkCalendar
) -> tuple[list[dt.date], list[tuple[dt.date, str]]]:
    """The working days a record takes, and the days of its range skipped with the reason."""
    taken, skipped = [], []
    for day in worktime_rules.dates_between(start, end):
        why = calendar.why_not_working(day)
        if why is None:
            taken.append(day)
        else:
            skipped.append((day, why))
    return taken, skipped


def parse_date(value: str) -> dt.date | None:
    value = (value or "").strip()
    match = DATE_PATTERN.match(value) or COMPACT_DATE.match(value)
    if not match:
        return None
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def parse_time(value: str) -> dt.time | None:
    value = (value or "").strip()
    match = TIME_PATTERN.match(value) or COMPACT_TIME.match(value)
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if hour > 23 or minute > 59:
        return None
    return dt.time(hour, minute)


def decode(payload: bytes) -> str:
    """The text of an export, whichever encoding Korean office software saved it in."""
    if payload.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings: tuple[str, ...] = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "cp949")
    for encoding in encodings:
        try:
            return payload.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileRefused(
        _(
            "The file's text encoding is not recognised; save it as CSV (UTF-8) or as CSV from "
            "Korean Excel and upload it again."
        )
    )


def _header_map(row: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(row):
        label = re.sub(r"\s+", " ", (cell or "").strip().lower())
        for key, names in HEADERS.items():
            if key not in found and label in names:
                found[key] = index
    return found


@dataclass
class ImportRow:
    """One row of the export and its verdict; `reason` is empty for a row that can be recorded."""

    line: int
    values: dict[str, str]
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    start_time: dt.time | None = None
    end_time: dt.time | None = None
    reasons: list[str] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.reasons


def read_rows(text: str) -> list[ImportRow]:
    """Every data row with its dates and times parsed and what is wrong with it, if anything.

    Names of people and kinds are checked against the database by the service.
    """
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    lines = list(csv.reader(io.StringIO(text), dialect))
    header_at, columns = None, {}
    for index, row in enumerate(lines[:20]):
        columns = _header_map(row)
        if all(key in columns for key in REQUIRED):
            header_at = index
            break
    if header_at is None:
        raise FileRefused(
            _(
                "No header row names the employee number (사번), the kind (근무상황) and the first "
                "day (시작일); add those column titles and upload again."
            )
        )
    data = lines[header_at + 1 :]
    if len(data) > MAX_ROWS:
        raise FileRefused(
            _("The file has %(rows)s rows; split it into files of at most %(limit)s rows.")
            % {"rows": len(data), "limit": MAX_ROWS}
        )
    result = []
    for offset, row in enumerate(data):
        if not any((cell or "").strip() for cell in row):
            continue
        values = {
            key: (row[index].strip() if index < len(row) else "") for key, index in columns.items()
        }
        result.append(_checked(ImportRow(line=header_at + offset + 2, values=values)))
    return result


def _checked(row: ImportRow) -> ImportRow:
    values = row.values
    if not values.get("employee_number"):
        row.reasons.append(_("The employee number is empty."))
    if not values.get("kind"):
        row.reasons.append(_("The kind (근무상황) is empty."))
    row.start_date = parse_date(values.get("start_date", ""))
    if row.start_date is None:
        row.reasons.append(
            _("The first day “%(value)s” is not a date like 2026-12-03.")
            % {"value": values.get("start_date", "")}
        )
    end_text = values.get("end_date", "")
    row.end_date = parse_date(end_text) if end_text else row.start_date
    if end_text and row.end_date is None:
        row.reasons.append(
            _("The last day “%(value)s” is not a date like 2026-12-03.") % {"value": end_text}
        )
    for key, label in (("start_time", _("start time")), ("end_time", _("end time"))):
        text = values.get(key, "")
        if text:
            parsed = parse_time(text)
            if parsed is None:
                row.reasons.append(
                    _("The %(what)s “%(value)s” is not a time like 14:00.")
                    % {"what": label, "value": text}
                )
            setattr(row, key, parsed)
    if row.start_date and row.end_date:
        row.reasons.extend(
            check_period(row.start_date, row.end_date, row.start_time, row.end_time).values()
        )
    return row


def check_period(
    start: dt.date,
    end: dt.date,
    start_time: dt.time | None,
    end_time: dt.time | None,
) -> dict[str, str]:
    """What is wrong with a period, keyed by the field it concerns."""
    errors: dict[str, str] = {}
    if end < start:
        errors["end_date"] = _("The last day is before the first day.")
    if (start_time is None) != (end_time is None):
        errors["end_time"] = _("Give both times for part of a day, or neither for whole days.")
    elif start_time is not None:
        if start != end:
            errors["end_date"] = _("Part of a day is recorded on one day only.")
        if end_time <= start_time:
            errors["end_time"] = _("The end time is not after the start time.")
    return errors


def overlaps(
    a: tuple[dt.date, dt.date, dt.time | None, dt.time | None],
    b: tuple[dt.date, dt.date, dt.time | None, dt.time | None],
) -> bool:
    """Do two records take the same time? Whole days overlap any record on one of their days."""
    a_start, a_end, a_from, a_until = a
    b_start, b_end, b_from, b_until = b
    if a_end < b_start or b_end < a_start:
        return False
    if a_from is None or b_from is None:
        return True
    return a_from < b_until and b_from < a_until


def first_overlap(
    period: tuple[dt.date, dt.date, dt.time | None, dt.time | None],
    others: Iterable[tuple[object, tuple[dt.date, dt.date, dt.time | None, dt.time | None]]],
):
    """The first of `others` (label, period) that overlaps `period`, or None."""
    for label, other in others:
        if overlaps(period, other):
            return label
    return None
