"""read_sheet(): a case sheet in, a row-by-row report out. Nothing is stored."""

from __future__ import annotations

import gc
import os
from itertools import islice

from django.utils.translation import gettext as _

from . import headers as h
from .errors import SheetRefused
from .report import (
    DUPLICATE,
    QUARANTINE,
    REJECTED,
    VALID,
    RowResult,
    SheetReport,
)
from .sources import load_bytes, max_upload_bytes, open_tables, refuse_empty
from .values import (
    POSITIVE,
    SELF_QUARANTINE,
    ValueProblem,
    cell_text,
    name_key,
    parse_birth_date,
    parse_category,
    parse_date,
    parse_name,
    parse_phone,
    parse_result,
)

# Error order within a row: the first error names the field the row is rejected on.
_FIELD_ORDER = {
    field: index
    for index, field in enumerate(
        (
            h.NAME,
            h.PHONE,
            h.RESULT,
            h.TEST_DATE,
            h.QUARANTINE_START,
            h.QUARANTINE_END,
        )
    )
}


def read_sheet(data, filename: str, *, max_bytes: int | None = None) -> SheetReport:
    """Read a case sheet (bytes, a path or a binary file) and conclude on every data row.

    Raises SheetRefused for a file that cannot be used as a whole (empty, corrupt, not a
    spreadsheet, too large, a zip bomb, no header naming at least a name and a phone column).
    """
    filename = os.path.basename(os.fspath(filename)) if filename else "sheet"
    payload = load_bytes(data, max_upload_bytes(max_bytes))
    if not payload:
        raise refuse_empty()
    for table in open_tables(payload, filename):
        rows = table.rows
        scanned = list(islice(rows, h.HEADER_SCAN_ROWS))
        for position, (row_number, cells) in enumerate(scanned):
            mapping = h.map_header(cells)
            if mapping is None:
                continue
            # Rows scanned past the header are data too; then the rest, one at a time.
            pending = scanned[position + 1 :]
            del scanned
            # The rows hold no reference cycles: pausing the cyclic collector while tens of
            # thousands of them are created avoids repeated full scans of the growing list.
            collecting = gc.isenabled()
            gc.disable()
            try:
                return _read_data(
                    filename, table.name, row_number, cells, mapping, _chain(pending, rows)
                )
            finally:
                if collecting:
                    gc.enable()
    raise SheetRefused(
        _(
            "No header row naming at least a name column (성명) and a mobile phone column "
            "(휴대전화) was found; add such a header above the list."
        ),
        "no_header",
    )


def _present(value) -> bool:
    if value.__class__ is str:
        return bool(value) and not value.isspace()
    return value is not None


def _chain(first, rest):
    yield from first
    yield from rest


def _error(field: str, problem: ValueProblem) -> dict[str, str]:
    return {"field": field, "code": problem.code, "message": problem.message}


def _problem(field: str, code: str, message: str) -> dict[str, str]:
    return {"field": field, "code": code, "message": message}


def _is_repeated_header(cells, mapping) -> bool:
    return (
        h.field_for_header(cells[mapping[h.NAME]]) == h.NAME
        and h.field_for_header(cells[mapping[h.PHONE]]) == h.PHONE
    )


def _read_data(filename, sheet_name, header_row, header_cells, mapping, rows) -> SheetReport:
    header = tuple(cell_text(cell) for cell in header_cells)
    width = len(header)
    report = SheetReport(
        file=filename,
        sheet=sheet_name,
        header_row=header_row,
        columns={field: header[index] for field, index in mapping.items() if field != h.SERIAL},
        header=header,
    )
    i_name = mapping[h.NAME]
    i_phone = mapping[h.PHONE]
    i_birth = mapping.get(h.BIRTH_DATE)
    i_test = mapping.get(h.TEST_DATE)
    i_result = mapping.get(h.RESULT)
    i_category = mapping.get(h.CATEGORY)
    i_start = mapping.get(h.QUARANTINE_START)
    i_end = mapping.get(h.QUARANTINE_END)
    mapped = set(mapping.values())
    note_columns = [
        (index, text) for index, text in enumerate(header) if index not in mapped and text
    ]
    is_totals = h.is_totals_label
    results = report.rows
    append = results.append
    first_seen: dict[tuple, int] = {}

    for row_number, cells in rows:
        if len(cells) < width:
            cells = list(cells) + [""] * (width - len(cells))
        for first in cells:
            if first.__class__ is str:
                if first and not first.isspace():
                    break
            elif first is not None:
                break
        else:
            continue  # blank row
        if (
            first.__class__ is str
            and len(first) <= 12
            and not first[0].isdigit()
            and is_totals(first.strip())
        ):
            continue  # totals row

        errors = []
        name = phone = result = test_date = q_start = q_end = birth = category = None
        try:
            name = parse_name(cells[i_name])
        except ValueProblem as problem:
            errors.append(_error(h.NAME, problem))
        try:
            phone = parse_phone(cells[i_phone])
        except ValueProblem as problem:
            if _is_repeated_header(cells, mapping):
                continue  # the header printed again further down
            errors.append(_error(h.PHONE, problem))

        result_given = False
        if i_result is not None and _present(cells[i_result]):
            result_given = True
            try:
                result = parse_result(cells[i_result])
            except ValueProblem as problem:
                errors.append(_error(h.RESULT, problem))
        if result_given:
            if i_test is None or not _present(cells[i_test]):
                errors.append(
                    _problem(
                        h.TEST_DATE,
                        "missing_test_date",
                        _("Enter the test date (검사일) for this result, like 2021-08-02."),
                    )
                )
            else:
                try:
                    test_date = parse_date(cells[i_test])
                except ValueProblem as problem:
                    errors.append(_error(h.TEST_DATE, problem))
        elif i_test is not None and _present(cells[i_test]):
            try:
                test_date = parse_date(cells[i_test])
            except ValueProblem:
                test_date = None  # not needed by this row: no result to send

        if i_category is not None and _present(cells[i_category]):
            category = parse_category(cell_text(cells[i_category]))
        start_raw = i_start is not None and _present(cells[i_start])
        end_raw = i_end is not None and _present(cells[i_end])
        quarantine = bool(start_raw or end_raw or category == SELF_QUARANTINE)
        if quarantine:
            if start_raw or end_raw or not result_given:
                if start_raw:
                    try:
                        q_start = parse_date(cells[i_start])
                    except ValueProblem as problem:
                        errors.append(_error(h.QUARANTINE_START, problem))
                else:
                    errors.append(
                        _problem(
                            h.QUARANTINE_START,
                            "missing_quarantine_start",
                            _(
                                "Enter the self-quarantine start date (격리시작일), like 2021-08-02."
                            ),
                        )
                    )
                if end_raw:
                    try:
                        q_end = parse_date(cells[i_end])
                    except ValueProblem as problem:
                        errors.append(_error(h.QUARANTINE_END, problem))
                else:
                    errors.append(
                        _problem(
                            h.QUARANTINE_END,
                            "missing_quarantine_end",
                            _("Enter the self-quarantine end date (격리해제일), like 2021-08-16."),
                        )
                    )
                if q_start is not None and q_end is not None and q_end < q_start:
                    errors.append(
                        _problem(
                            h.QUARANTINE_END,
                            "quarantine_end_before_start",
                            _(
                                "The quarantine end date is before its start date; check both dates."
                            ),
                        )
                    )
        elif not result_given:
            errors.append(
                _problem(
                    h.RESULT,
                    "missing_result",
                    _(
                        "Nothing to send: enter the test result (음성/양성/미결정) with its "
                        "test date, or the self-quarantine start and end dates."
                    ),
                )
            )

        if i_birth is not None and _present(cells[i_birth]):
            birth = parse_birth_date(cells[i_birth])
        notes = {
            text: cell_text(cells[index]) for index, text in note_columns if _present(cells[index])
        }

        if errors:
            if len(errors) > 1:
                errors.sort(key=lambda error: _FIELD_ORDER.get(error["field"], 99))
            append(
                RowResult(
                    row=row_number,
                    status=REJECTED,
                    name=name,
                    phone=phone,
                    birth_date=birth,
                    result=result,
                    test_date=test_date,
                    quarantine_start=q_start,
                    quarantine_end=q_end,
                    category=category,
                    notes=notes,
                    errors=errors,
                    cells=cells,
                )
            )
            continue

        if result == POSITIVE:
            kind = POSITIVE
        elif q_start is not None and q_end is not None:
            kind = QUARANTINE
        else:
            kind = result
        key = (name_key(name), phone, test_date)
        original = first_seen.get(key)
        if original is None:
            first_seen[key] = row_number
        append(
            RowResult(
                row=row_number,
                status=VALID if original is None else DUPLICATE,
                name=name,
                phone=phone,
                birth_date=birth,
                result=result,
                test_date=test_date,
                quarantine_start=q_start,
                quarantine_end=q_end,
                category=category,
                notes=notes,
                duplicate_of=original,
                message_kind=kind,
                cells=cells,
            )
        )
    return report
