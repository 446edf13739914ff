"""Bounding a workbook's shape from its XML before any spreadsheet reader builds a grid of it.

python-calamine builds one dense grid from the first to the last cell a sheet names (32 bytes
a cell) and copies a shared string into every cell that refers to it: a 5 KB file with one
cell at XFD1048576 asks for 512 GiB, and a 20 KB file whose 3,000 cells repeat one 1 MB
string takes 6 GB. So every cell and row reference, the declared dimension, the shared
strings the cells repeat, the sheets and the styles are counted here first, and a file
beyond the limits is refused before the reader sees it.

The sheet XML is scanned as bytes with regular expressions (C speed, no tree, no entities
expanded); a sheet those cannot vouch for (a cell or row without a reference, or an entity
inside a cell's tag) is walked again with expat, exactly as a reader would place its cells.
"""

from __future__ import annotations

import re
from array import array
from collections import Counter
from dataclasses import dataclass
from xml.parsers import expat

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from .errors import SheetRefused, refuse_corrupt, refuse_unsafe_xml

DEFAULT_MAX_ROWS = 100_000
DEFAULT_MAX_COLUMNS = 200
DEFAULT_MAX_CELLS = 1_000_000
DEFAULT_MAX_SHEETS = 100
DEFAULT_MAX_SHEET_TEXT_BYTES = 64 * 1024 * 1024
# Excel itself stops at 64,000 cell formats; a workbook with more was not saved by Excel.
MAX_STYLES = 64_000
# SpreadsheetML nests about eight levels deep; the parts parsed as a tree are bounded far above.
MAX_XML_DEPTH = 100
# What a part too large to hold must not contain: it would be a sheet or the shared strings.
MARKERS = (b"sheetData", b"sst")

_NAME = rb"(?:[\w.\-]+:)?"  # an optional namespace prefix: readers match local names
# An attribute `r` (or `x:r`, but not the namespace declaration `xmlns:r`): the literal first
# lets the engine skip ahead; the look-behinds then ask for a space or a prefix's colon.
_R = rb"r(?<=[\s:]r)(?<!xmlns:r)\s*="
_REFERENCE = re.compile(_R + rb"\s*[\"']([^\"'<>]*)")
_ALL_LETTERS = bytes(range(ord("A"), ord("Z") + 1))
_DIGITS = b"0123456789"
_REFERENCE_BYTES = _ALL_LETTERS + _DIGITS + b" "
# A cell or row tag without a reference, or with an entity in its attributes: walk it exactly.
_UNUSUAL_TAG = re.compile(
    rb"<" + _NAME + rb"(?:c|row)(?=[\s/>])(?:(?![^>]*?" + _R + rb")|(?=[^>]*&))"
)
_DIMENSION = re.compile(rb"<" + _NAME + rb"dimension(?=\s)[^>]*?[\s:]ref\s*=\s*[\"']([^\"']*)")
# Cells of type "s" name a shared string by its index; the common form is read exactly, any
# other counts as the longest string.
_T = rb"t(?<=[\s:]t)(?<!xmlns:t)\s*=\s*[\"']s[\"']"
_SHARED_TYPE = re.compile(_T)
_SHARED_INDEX = re.compile(_T + rb"[^>]*>\s*<" + _NAME + rb"v\s*>\s*([0-9]{1,10})\s*<")
_SST = re.compile(rb"<" + _NAME + rb"sst[\s>]")
_SHARED_ITEM = re.compile(rb"<" + _NAME + rb"si[\s/>]")
_SHEET_ENTRY = re.compile(rb"<" + _NAME + rb"sheet[\s/>]")
_STYLE_ENTRY = re.compile(rb"<" + _NAME + rb"(?:xf|numFmt)[\s/>]")
_CELL_REF = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")


@dataclass(frozen=True, slots=True)
class Limits:
    """How large a case sheet may be; the settings name each (README, configuration)."""

    rows: int
    columns: int
    cells: int
    sheets: int
    text_bytes: int

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            rows=getattr(settings, "RPA_MAX_ROWS", DEFAULT_MAX_ROWS),
            columns=getattr(settings, "RPA_MAX_COLUMNS", DEFAULT_MAX_COLUMNS),
            cells=getattr(settings, "RPA_MAX_CELLS", DEFAULT_MAX_CELLS),
            sheets=getattr(settings, "RPA_MAX_SHEETS", DEFAULT_MAX_SHEETS),
            text_bytes=getattr(settings, "RPA_MAX_SHEET_TEXT_BYTES", DEFAULT_MAX_SHEET_TEXT_BYTES),
        )

    def check_extent(self, rows: int, columns: int) -> None:
        """Refuse a sheet whose cells reach beyond the limits (row and column numbers from 1)."""
        if rows > self.rows or columns > self.columns or rows * columns > self.cells:
            raise refuse_extent(self, cell_name(rows, columns))


# ------------------------------------------------------------------ refusals
def _number(value: int) -> str:
    return number_format(value, force_grouping=True)


def refuse_extent(limits: Limits, last_cell: str) -> SheetRefused:
    return SheetRefused(
        _(
            "The sheet uses cells up to %(cell)s; a case sheet may have at most %(columns)s "
            "columns, %(rows)s rows and %(cells)s cells in all — delete the stray cells "
            "beyond the list and save again."
        )
        % {
            "cell": last_cell,
            "columns": _number(limits.columns),
            "rows": _number(limits.rows),
            "cells": _number(limits.cells),
        },
        "sheet_too_large",
    )


def refuse_sheets(count: int, limit: int) -> SheetRefused:
    return SheetRefused(
        _(
            "The workbook has %(count)s sheets; a case sheet may have at most %(limit)s — "
            "delete the sheets that are not part of the list and save again."
        )
        % {"count": _number(count), "limit": _number(limit)},
        "too_many_sheets",
    )


def refuse_text(limit: int) -> SheetRefused:
    return SheetRefused(
        _(
            "The sheet holds more text than a case sheet may (at most %(limit)s MB, counting "
            "every cell that repeats a text); delete the columns and cells that are not part "
            "of the list and save again."
        )
        % {"limit": f"{limit / (1024 * 1024):g}"},
        "too_much_text",
    )


def refuse_strings(count: int, limit: int) -> SheetRefused:
    return SheetRefused(
        _(
            "The workbook lists %(count)s different texts, more than a case sheet's %(limit)s "
            "cells can hold; save it again from Excel, or save the list as CSV."
        )
        % {"count": _number(count), "limit": _number(limit)},
        "too_many_strings",
    )


def refuse_styles(count: int) -> SheetRefused:
    return SheetRefused(
        _(
            "The workbook defines %(count)s cell formats, more than Excel allows; clear the "
            "formatting (Home, Clear, Clear Formats) and save again."
        )
        % {"count": _number(count)},
        "too_many_styles",
    )


def refuse_depth() -> SheetRefused:
    return SheetRefused(
        _(
            "The workbook's XML is nested far deeper than spreadsheets ever are and is refused "
            "for safety; save it again from Excel."
        ),
        "xml_too_deep",
    )


def refuse_references() -> SheetRefused:
    return SheetRefused(
        _(
            "The sheet names cells in a form that spreadsheets never write and cannot be read; "
            "save it again from Excel and upload the new file."
        ),
        "bad_cell_reference",
    )


# ------------------------------------------------------------------ cell names
def column_number(letters: str | bytes) -> int:
    if isinstance(letters, bytes):
        letters = letters.decode("ascii")
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def column_name(number: int) -> str:
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters or "A"


def cell_name(row: int, column: int) -> str:
    """The spreadsheet's name of the used range's far corner, for the refusal sentence."""
    return f"{column_name(max(column, 1))}{max(row, 1)}"


# ------------------------------------------------------------------ the workbook's parts
class WorkbookShape:
    """Inspect a workbook's XML parts one at a time, then `finish()` to conclude."""

    def __init__(self, limits: Limits | None = None):
        self.limits = limits or Limits.from_settings()
        self.string_lengths = array("q")
        self.longest_string = 0
        self.sheets: list[tuple[int, Counter, int]] = []  # (xml bytes, index counts, unknown)
        self.sheet_entries = 0

    def wants(self, size: int) -> bool:
        """Whether a part is held and inspected. A reader finds its sheets and shared strings
        through the relationships, whatever their names, so every part may be one: those
        within the text budget are inspected whole, a larger one must show no sign of
        being one (MARKERS, looked for while it is inflated)."""
        return size <= self.limits.text_bytes

    def refuse_oversized(self) -> SheetRefused:
        return refuse_text(self.limits.text_bytes)

    def inspect(self, filename: str, data: bytes) -> None:
        """Count what one part holds; refuse at once what one part alone puts beyond a limit."""
        name = filename.lower()
        # A part is looked at as every kind it could be read as.
        if b"sheetData" in data:
            self._inspect_sheet(data)
        if b"sst" in data and _SST.search(data):
            self._inspect_shared_strings(data)
        if name.endswith("workbook.xml"):
            check_depth(data)
            self.sheet_entries += len(_SHEET_ENTRY.findall(data))
        elif b"styleSheet" in data:
            styles = len(_STYLE_ENTRY.findall(data))
            if styles > MAX_STYLES:
                raise refuse_styles(styles)
            check_depth(data)
        elif name.endswith((".rels", "[content_types].xml")):
            check_depth(data)

    def finish(self) -> None:
        limits = self.limits
        if self.sheet_entries > limits.sheets:
            raise refuse_sheets(self.sheet_entries, limits.sheets)
        if len(self.string_lengths) > limits.cells:
            raise refuse_strings(len(self.string_lengths), limits.cells)
        lengths, count = self.string_lengths, len(self.string_lengths)
        for xml_bytes, indexes, unknown in self.sheets:
            # Every cell that names a shared string gets its own copy of it in the reader.
            total = xml_bytes + unknown * self.longest_string
            for index, times in indexes.items():
                if index < count:
                    total += times * lengths[index]
                if total > limits.text_bytes:
                    raise refuse_text(limits.text_bytes)
            if total > limits.text_bytes:
                raise refuse_text(limits.text_bytes)

    # -------------------------------------------------------------- shared strings
    def _inspect_shared_strings(self, data: bytes) -> None:
        starts = [match.start() for match in _SHARED_ITEM.finditer(data)]
        if len(starts) > self.limits.cells:
            raise refuse_strings(len(starts), self.limits.cells)
        starts.append(len(data))
        # From one <si> to the next bounds the item's text from above, in bytes and characters.
        lengths = array("q", (b - a for a, b in zip(starts, starts[1:], strict=False)))
        if len(lengths) > len(self.string_lengths):
            lengths, shorter = lengths, self.string_lengths
        else:
            lengths, shorter = self.string_lengths, lengths
        for index, length in enumerate(shorter):  # two tables: the longer of each item
            if length > lengths[index]:
                lengths[index] = length
        self.string_lengths = lengths
        self.longest_string = max(lengths, default=0)

    # -------------------------------------------------------------- sheets
    def _inspect_sheet(self, data: bytes) -> None:
        limits = self.limits
        if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
            raise refuse_unsafe_xml()  # whatever the part's name says
        if len(data) > limits.text_bytes:
            raise refuse_text(limits.text_bytes)
        dimension = _DIMENSION.search(data)
        if dimension:
            self._check_dimension(dimension.group(1))
        if _UNUSUAL_TAG.search(data):
            max_row, max_column, indexes, unknown = walk_sheet(data, limits)
        else:
            max_row, max_column = _reference_extent(data)
            indexes = Counter(int(i) for i in _SHARED_INDEX.findall(data))
            unknown = len(_SHARED_TYPE.findall(data)) - sum(indexes.values())
        limits.check_extent(max_row, max_column)
        self.sheets.append((len(data), indexes, max(unknown, 0)))

    def _check_dimension(self, value: bytes) -> None:
        last = value.decode("ascii", "replace").rsplit(":", 1)[-1].replace("$", "").upper()
        match = _CELL_REF.fullmatch(last)
        if match is None:
            return  # readers ignore a dimension they cannot read; the cells decide
        row, column = int(match.group(2)), column_number(match.group(1))
        self.limits.check_extent(row, column)


def _reference_extent(data: bytes) -> tuple[int, int]:
    """The largest row and column that the sheet's references name, at C speed: a reference
    is letters then digits, so the letters' runs bound the column and the digits the row."""
    references = _REFERENCE.findall(data)
    if not references:
        return 0, 0
    joined = b" ".join(references)
    if joined.translate(None, _REFERENCE_BYTES):
        raise refuse_references()
    numbers = joined.translate(None, _ALL_LETTERS).split()
    if len(numbers) != len(references):
        raise refuse_references()  # a reference without a row number
    rows = {int(number) for number in set(numbers)}
    if min(rows) < 1:
        raise refuse_references()
    letters = set(joined.translate(None, _DIGITS).split())
    max_column = max((column_number(item) for item in letters), default=1)
    return max(rows), max_column


def walk_sheet(data: bytes, limits: Limits) -> tuple[int, int, Counter, int]:
    """Place every cell as a reader does (a cell without a reference follows the one before,
    a row without one follows the row before), with expat: no tree, no entities."""
    state = {"row": 0, "column": 0, "max_row": 0, "max_column": 0, "depth": 0}
    indexes: Counter = Counter()
    shared = {"cell": False, "value": False, "text": [], "unknown": 0}

    def start(name, attrs):
        local = name.rsplit(" ", 1)[-1]
        state["depth"] += 1
        if state["depth"] > MAX_XML_DEPTH:
            raise refuse_depth()
        if local == "row":
            reference = _attribute(attrs, "r")
            state["row"] = _row_number(reference) if reference else state["row"] + 1
            state["column"] = 0
            state["max_row"] = max(state["max_row"], state["row"])
        elif local == "c":
            reference = _attribute(attrs, "r")
            if reference:
                row, column = _cell_position(reference)
            else:
                row, column = max(state["row"], 1), state["column"] + 1
            state["column"] = column
            state["max_row"] = max(state["max_row"], row)
            state["max_column"] = max(state["max_column"], column)
            if state["max_row"] > limits.rows or state["max_column"] > limits.columns:
                limits.check_extent(state["max_row"], state["max_column"])
            shared["cell"] = _attribute(attrs, "t") == "s"
            if shared["cell"]:
                shared["unknown"] += 1
        elif local == "v" and shared["cell"]:
            shared["value"] = True
            shared["text"] = []

    def end(name):
        state["depth"] -= 1
        local = name.rsplit(" ", 1)[-1]
        if local == "v" and shared["value"]:
            text = "".join(shared["text"]).strip()
            if text.isdigit() and len(text) <= 10:
                indexes[int(text)] += 1
                shared["unknown"] -= 1
            shared["value"] = False
        elif local == "c":
            shared["cell"] = False

    def characters(text):
        if shared["value"]:
            shared["text"].append(text)

    parser = expat_parser()
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    parse_xml(parser, data)
    return state["max_row"], state["max_column"], indexes, shared["unknown"]


def _attribute(attrs: dict, local: str) -> str | None:
    """An attribute by its local name: readers take `x:r` for `r`."""
    for key, value in attrs.items():
        if key == local or key.endswith(" " + local):
            return value
    return None


def _row_number(reference: str) -> int:
    if not reference.isdigit() or len(reference) > 7 or int(reference) < 1:
        raise refuse_references()
    return int(reference)


def _cell_position(reference: str) -> tuple[int, int]:
    match = _CELL_REF.fullmatch(reference)
    if match is None or int(match.group(2)) < 1:
        raise refuse_references()
    return int(match.group(2)), column_number(match.group(1))


def check_depth(data: bytes) -> None:
    """Refuse XML nested deeper than MAX_XML_DEPTH: the parts a reader parses as a tree."""
    depth = [0]

    def start(name, attrs):
        depth[0] += 1
        if depth[0] > MAX_XML_DEPTH:
            raise refuse_depth()

    def end(name):
        depth[0] -= 1

    parser = expat_parser()
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parse_xml(parser, data)


def expat_parser():
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True

    def no_declarations(*args):
        # Spreadsheets never declare a DOCTYPE or entities (the zip check refuses them too).
        raise refuse_unsafe_xml()

    parser.StartDoctypeDeclHandler = no_declarations
    parser.EntityDeclHandler = no_declarations
    return parser


def parse_xml(parser, data: bytes) -> None:
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise refuse_corrupt() from exc
