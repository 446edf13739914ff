"""Bounding an OpenDocument spreadsheet (.ods) before a reader expands its repeated cells.

ODS compresses a sheet by repetition: one row element may stand for a million rows
(`table:number-rows-repeated`) and one cell for thousands of columns, and a reader makes each
copy. So the content is walked once with expat (no tree, no entities), adding up the
repeats as a reader would, and the sheet is refused when the cells that hold something reach
beyond the limits or their text, copied into every repeat, beyond the text budget. Empty
repeats (LibreOffice writes a million empty rows after a formatted sheet) cost a reader
nothing and count only as the distance to the next cell that holds something.
"""

from __future__ import annotations

from .shape import (
    MAX_XML_DEPTH,
    Limits,
    expat_parser,
    parse_xml,
    refuse_depth,
    refuse_sheets,
    refuse_text,
)

TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
ROWS_REPEATED = f"{TABLE} number-rows-repeated"
COLUMNS_REPEATED = f"{TABLE} number-columns-repeated"
VALUE_TYPE = f"{OFFICE} value-type"
CELLS = {f"{TABLE} table-cell", f"{TABLE} covered-table-cell"}


def _repeat(attrs: dict, name: str) -> int:
    value = attrs.get(name, "1")
    return int(value) if value.isdigit() and len(value) <= 8 else 1 << 30


class _Walk:
    def __init__(self, limits: Limits):
        self.limits = limits
        self.sheets = 0
        self.text = 0
        self.row = self.max_row = 0
        self.column = self.max_column = 0
        self.rows_repeated = 1
        self.row_text = 0
        self.row_has_content = False
        self.cell_end = 0
        self.cell_repeated = 1
        self.cell_text = 0
        self.in_cell = False
        self.depth = 0

    def start(self, name, attrs):
        self.depth += 1
        if self.depth > MAX_XML_DEPTH:
            raise refuse_depth()
        if name == f"{TABLE} table":
            self.sheets += 1
            if self.sheets > self.limits.sheets:
                raise refuse_sheets(self.sheets, self.limits.sheets)
            self.row = self.max_row = self.max_column = 0
        elif name == f"{TABLE} table-row":
            self.rows_repeated = _repeat(attrs, ROWS_REPEATED)
            self.column = self.row_text = 0
            self.row_has_content = False
        elif name in CELLS:
            self.cell_repeated = _repeat(attrs, COLUMNS_REPEATED)
            self.column += self.cell_repeated
            self.cell_end = self.column
            # A string may sit in an attribute (office:string-value) instead of a paragraph.
            self.cell_text = sum(len(value) for value in attrs.values())
            self.in_cell = True
            if VALUE_TYPE in attrs:
                self._holds_something()
        elif name.startswith(TEXT) and self.in_cell:
            self._holds_something()

    def _holds_something(self):
        self.row_has_content = True
        if self.cell_end > self.max_column:
            self.max_column = self.cell_end
            self.limits.check_extent(max(self.row + 1, self.max_row), self.max_column)

    def characters(self, data):
        if self.in_cell:
            self.cell_text += len(data)

    def end(self, name):
        self.depth -= 1
        if name in CELLS:
            self.in_cell = False
            self.row_text += self.cell_text * self.cell_repeated
        elif name == f"{TABLE} table-row":
            self.row += self.rows_repeated
            if self.row_has_content:
                self.max_row = self.row
                self.limits.check_extent(self.max_row, self.max_column)
                # A reader copies the row's text into every repeat of the row.
                self.text += self.row_text * self.rows_repeated
                if self.text > self.limits.text_bytes:
                    raise refuse_text(self.limits.text_bytes)


def check_opendocument(data: bytes, limits: Limits) -> None:
    """Refuse an ODS content part whose expanded sheets reach beyond `limits`."""
    walk = _Walk(limits)
    parser = expat_parser()
    parser.StartElementHandler = walk.start
    parser.EndElementHandler = walk.end
    parser.CharacterDataHandler = walk.characters
    parse_xml(parser, data)
