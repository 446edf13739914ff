"""What the importer concluded about a sheet, row by row."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from .values import INCONCLUSIVE, NEGATIVE, POSITIVE, cell_text

# A row's verdict.
VALID = "valid"
REJECTED = "rejected"
DUPLICATE = "duplicate"

# Message kinds the sending side sends for a valid row: one per test result, and the
# quarantine notice for a row with a quarantine period (a positive result still comes first).
QUARANTINE = "quarantine"
MESSAGE_KINDS = (NEGATIVE, POSITIVE, INCONCLUSIVE, QUARANTINE)


def _iso(value: datetime.date | None) -> str | None:
    return value.isoformat() if value is not None else None


@dataclass(slots=True)
class RowResult:
    """One data row of the sheet and what was concluded about it.

    `row` is the row number a spreadsheet program shows (CSV: the record number, from 1).
    `raw` gives the row's cells as text, in sheet order, so the sheet can be written back.
    """

    row: int
    status: str
    name: str | None = None
    phone: str | None = None
    birth_date: datetime.date | None = None
    result: str | None = None
    test_date: datetime.date | None = None
    quarantine_start: datetime.date | None = None
    quarantine_end: datetime.date | None = None
    category: str | None = None
    notes: dict[str, str] = field(default_factory=dict)
    errors: list[dict[str, str]] = field(default_factory=list)
    duplicate_of: int | None = None
    message_kind: str | None = None
    # The row's cells as read (kept unconverted: converting 50,000 rows up front costs time).
    cells: list | tuple = ()

    @property
    def raw(self) -> tuple[str, ...]:
        """The original cell values as text, in sheet order (dates as YYYY-MM-DD)."""
        return tuple(cell_text(cell) for cell in self.cells)

    def to_dict(self) -> dict:
        """The row as the dry run prints it (docs/case-sheets.md)."""
        if self.status == VALID:
            return {
                "row": self.row,
                "status": self.status,
                "name": self.name,
                "phone": self.phone,
                "result": self.result,
                "test_date": _iso(self.test_date),
                "quarantine_start": _iso(self.quarantine_start),
                "quarantine_end": _iso(self.quarantine_end),
            }
        if self.status == DUPLICATE:
            return {"row": self.row, "status": self.status, "duplicate_of": self.duplicate_of}
        return {"row": self.row, "status": self.status, "errors": [dict(e) for e in self.errors]}


@dataclass(slots=True)
class SheetReport:
    """A whole sheet read: where the data was found and every data row's conclusion."""

    file: str
    sheet: str | None
    header_row: int
    rows: list[RowResult] = field(default_factory=list)
    # Field name -> the header text it was read from, e.g. {"phone": "휴대전화"}.
    columns: dict[str, str] = field(default_factory=dict)
    # Header texts of the sheet's columns, in order (for writing the sheet back).
    header: tuple[str, ...] = ()

    @property
    def summary(self) -> dict[str, int]:
        counts = {"rows": len(self.rows), VALID: 0, REJECTED: 0, DUPLICATE: 0}
        for row in self.rows:
            counts[row.status] += 1
        return counts

    def to_dict(self) -> dict:
        """The dry-run JSON object of docs/case-sheets.md, keys in its order."""
        return {
            "file": self.file,
            "sheet": self.sheet,
            "header_row": self.header_row,
            "rows": [row.to_dict() for row in self.rows],
            "summary": self.summary,
        }
