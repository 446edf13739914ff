"""What the personnel office takes away: a period's arrangements as CSV or Excel, and the year's
figures drawn as charts. Pages (and any API) answer with what these build."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _
from openpyxl import Workbook

from . import reports, selectors
from .away import selectors as away_selectors

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class ExportFile:
    filename: str
    content_type: str
    content: bytes


def arrangements_file(*, start: dt.date, end: dt.date, fmt: str) -> ExportFile:
    """Every arrangement day from `start` to `end`, one row a day, as "csv" or "xlsx"."""
    header, rows = reports.export_table(start, end)
    name = f"worktime-{start}-{end}"
    if fmt == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")  # Excel opens UTF-8 Korean correctly only with a BOM
        writer = csv.writer(buffer)
        writer.writerow(header)
        writer.writerows(rows)
        return ExportFile(f"{name}.csv", "text/csv; charset=utf-8", buffer.getvalue().encode())
    if fmt != "xlsx":
        raise ValueError(f"unknown export format {fmt!r}")
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Arrangements"))
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return ExportFile(f"{name}.xlsx", XLSX_TYPE, out.getvalue())


def year_figures(year: int) -> dict:
    """The statistics page's figures and the geometry of their bar charts."""
    data = selectors.statistics(year)
    return {
        "data": data,
        "kind_chart": reports.bar_chart(data["by_kind"]),
        "month_chart": reports.bar_chart([(str(m), n) for m, n in data["by_month"]], vertical=True),
        "department_chart": reports.bar_chart(data["by_department"]),
        "away_chart": reports.bar_chart(away_selectors.days_by_kind(year)),
    }
