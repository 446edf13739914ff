"""The case-sheet importer: reads a daily case sheet and concludes on every row.

    from rpa.importer import read_sheet, SheetRefused

    try:
        report = read_sheet(uploaded_bytes, "명단.xlsx")
    except SheetRefused as refusal:
        ...  # str(refusal): one translated sentence; refusal.code: a stable reason name
    report.to_dict()  # the dry-run JSON object of docs/case-sheets.md

Rules: docs/case-sheets.md. Nothing here touches the database.
"""

from .errors import SheetRefused
from .headers import ALIASES, FIELDS
from .reader import read_sheet
from .report import (
    DUPLICATE,
    MESSAGE_KINDS,
    QUARANTINE,
    REJECTED,
    VALID,
    RowResult,
    SheetReport,
)
from .values import INCONCLUSIVE, NEGATIVE, POSITIVE, neutralize_formula

__all__ = [
    "ALIASES",
    "DUPLICATE",
    "FIELDS",
    "INCONCLUSIVE",
    "MESSAGE_KINDS",
    "NEGATIVE",
    "POSITIVE",
    "QUARANTINE",
    "REJECTED",
    "VALID",
    "RowResult",
    "SheetRefused",
    "SheetReport",
    "neutralize_formula",
    "read_sheet",
]
