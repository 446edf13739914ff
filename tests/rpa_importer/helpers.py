"""Building case sheets inside tests: workbooks with openpyxl, CSVs in any encoding."""

import datetime
import io
import json

from django.core.management import call_command
from openpyxl import Workbook

from tests.samples import SAMPLES  # noqa: F401  (re-exported for the tests)

HEADER = [
    "연번",
    "성명",
    "생년월일",
    "휴대전화",
    "검사일",
    "검사결과",
    "구분",
    "격리시작일",
    "격리해제일",
    "비고",
]
DAY = datetime.date(2021, 8, 2)


def person(n, name=None, phone=None, result="음성", test_date=DAY, **extra):
    name = f"홍길동{n}" if name is None else name
    phone = f"010-1000-{n:04d}" if phone is None else phone
    row = [n, name, "1980-01-01", phone, test_date, result]
    row += [
        extra.get("category", ""),
        extra.get("start", ""),
        extra.get("end", ""),
        extra.get("note", ""),
    ]
    return row


def xlsx_bytes(sheets) -> bytes:
    """sheets: [(title, rows)] or [(title, rows, state)] with state 'visible'/'hidden'."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for spec in sheets:
        title, rows = spec[0], spec[1]
        sheet = workbook.create_sheet(title)
        if len(spec) > 2:
            sheet.sheet_state = spec[2]
        for row in rows:
            sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, encoding="utf-8", delimiter=",", newline="\r\n") -> bytes:
    lines = []
    for row in rows:
        cells = []
        for cell in row:
            text = "" if cell is None else str(cell)
            if any(ch in text for ch in (delimiter, '"', "\n")):
                text = '"' + text.replace('"', '""') + '"'
            cells.append(text)
        lines.append(delimiter.join(cells))
    return (newline.join(lines) + newline).encode(encoding)


def run_dry(path, *extra):
    """import_cases PATH --dry-run --json in-process: (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    status = 0
    try:
        call_command(
            "import_cases", str(path), "--dry-run", "--json", *extra, stdout=out, stderr=err
        )
    except SystemExit as exit_:
        status = exit_.code
    return status, out.getvalue(), err.getvalue()


def dry_json(path):
    status, out, err = run_dry(path)
    assert status == 0, err
    return json.loads(out)


def by_row(payload):
    return {row["row"]: row for row in payload["rows"]}
