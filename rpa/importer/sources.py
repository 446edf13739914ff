"""Opening an uploaded file safely and handing out its rows one at a time.

The file's content decides how it is read (a workbook renamed .xls is still read), but a
file whose content is not a spreadsheet is refused whatever its name says. Workbooks are
zip archives: their entries' declared sizes and compression ratios are checked, and every
XML part is inflated once under those limits (which also catches truncated files, entries
that lie about their size, and DTDs/entity declarations) before the reader sees it.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser

import python_calamine
from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from .errors import SheetRefused, refuse_corrupt, refuse_unsafe_xml
from .headers import HEADER_SCAN_ROWS, looks_like_summary_sheet, map_header
from .legacy import check_legacy_workbook
from .opendocument import check_opendocument
from .shape import MARKERS, Limits, WorkbookShape

DEFAULT_MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# Zip archives: at most this much unpacked in total, and no entry inflating more than
# MAX_ZIP_RATIO times (entries under ZIP_RATIO_FLOOR bytes unpacked may compress better).
DEFAULT_MAX_UNPACKED_BYTES = 250 * 1024 * 1024
MAX_ZIP_RATIO = 100
ZIP_RATIO_FLOOR = 1024 * 1024
MAX_ZIP_ENTRIES = 5000
CHUNK = 1024 * 1024
# A CSV line longer than 200 columns of 500 characters is not a case list's row.
MAX_LINE_CHARS = 100_000

WORKBOOK_EXTENSIONS = {".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"}
TEXT_EXTENSIONS = {".csv", ".tsv", ".txt"}
HTML_EXTENSIONS = {".xls", ".htm", ".html"}
SUPPORTED_EXTENSIONS = WORKBOOK_EXTENSIONS | TEXT_EXTENSIONS | HTML_EXTENSIONS

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
CSV_DELIMITERS = (",", "\t", ";", "|")


@dataclass(slots=True)
class Table:
    """One sheet of a file: its name (None for CSV) and an iterator of (row number, cells)."""

    name: str | None
    rows: Iterator[tuple[int, list]]
    is_summary_name: bool = False


# ------------------------------------------------------------------ refusals
def refuse_empty() -> SheetRefused:
    return SheetRefused(
        _("The file is empty; choose the file that contains the case list."), "empty"
    )


def refuse_unsupported(extension: str) -> SheetRefused:
    return SheetRefused(
        _(
            'Files of type "%(extension)s" cannot be read; upload an Excel workbook (.xlsx) '
            "or a CSV file."
        )
        % {"extension": extension or "?"},
        "unsupported_type",
    )


def refuse_wrong_content(extension: str) -> SheetRefused:
    return SheetRefused(
        _(
            'The file is named "%(extension)s" but its content is not a spreadsheet; open it '
            "in Excel and save it as an Excel workbook (.xlsx)."
        )
        % {"extension": extension},
        "wrong_content",
    )


def refuse_bomb() -> SheetRefused:
    return SheetRefused(
        _(
            "The workbook unpacks to far more data than its file size suggests and is refused "
            "for safety; save it again from Excel or as CSV."
        ),
        "zip_bomb",
    )


def refuse_encrypted() -> SheetRefused:
    return SheetRefused(
        _(
            "The workbook is protected with a password; remove the password in Excel and upload it again."
        ),
        "encrypted",
    )


def refuse_encoding() -> SheetRefused:
    return SheetRefused(
        _(
            "The text encoding of this CSV file is not recognized; save it from Excel as "
            '"CSV UTF-8" or as an Excel workbook (.xlsx).'
        ),
        "unknown_encoding",
    )


def refuse_long_line(number: int) -> SheetRefused:
    return SheetRefused(
        _(
            "Line %(line)s of the file is longer than %(limit)s characters, more than any "
            "row of a case list; check that this is the list and save it again as CSV."
        )
        % {"line": number, "limit": number_format(MAX_LINE_CHARS, force_grouping=True)},
        "line_too_long",
    )


def refuse_too_large(limit: int) -> SheetRefused:
    return SheetRefused(
        _("The file is larger than %(limit)s MB; split the list into smaller files.")
        % {"limit": f"{limit / (1024 * 1024):g}"},
        "too_large",
    )


# ------------------------------------------------------------------ loading
def max_upload_bytes(max_bytes: int | None) -> int:
    if max_bytes is not None:
        return max_bytes
    return getattr(settings, "RPA_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES)


def load_bytes(data, limit: int) -> bytes:
    """The file's bytes, refusing an oversized file before reading it."""
    if isinstance(data, bytes | bytearray | memoryview):
        if len(data) > limit:
            raise refuse_too_large(limit)
        return bytes(data)
    if isinstance(data, str | os.PathLike):
        try:
            size = os.stat(data).st_size
            if size > limit:
                raise refuse_too_large(limit)
            with open(data, "rb") as handle:
                payload = handle.read(limit + 1)
        except OSError as exc:
            raise refuse_corrupt() from exc
        if len(payload) > limit:
            raise refuse_too_large(limit)
        return payload
    if hasattr(data, "read"):
        payload = data.read(limit + 1)
        if len(payload) > limit:
            raise refuse_too_large(limit)
        return payload
    raise TypeError("read_sheet() takes bytes, a path or a binary file object")


def extension_of(filename: str) -> str:
    return os.path.splitext(filename)[1].lower()


def open_tables(payload: bytes, filename: str) -> Iterator[Table]:
    """The file's sheets, data candidates first. Refuses files that cannot be read."""
    extension = extension_of(filename)
    if extension not in SUPPORTED_EXTENSIONS:
        raise refuse_unsupported(extension)
    if not payload.strip(b" \t\r\n\x00") or payload in (
        codecs.BOM_UTF8,
        codecs.BOM_UTF16_LE,
        codecs.BOM_UTF16_BE,
    ):
        raise refuse_empty()
    if payload.startswith(ZIP_MAGIC) or payload.startswith(b"PK\x05\x06"):
        check_zip(payload)
        return _workbook_tables(payload)
    if payload.startswith(OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in payload:
            raise refuse_encrypted()
        check_legacy_workbook(payload, Limits.from_settings())
        return _workbook_tables(payload)
    if extension in HTML_EXTENSIONS and _looks_like_html_table(payload):
        return iter([Table(None, _html_rows(payload))])
    if extension in WORKBOOK_EXTENSIONS or extension in HTML_EXTENSIONS:
        raise refuse_wrong_content(extension)
    return iter([Table(None, _csv_rows(payload))])


# ------------------------------------------------------------------ workbooks
def check_zip(payload: bytes) -> None:
    """Refuse zip bombs, encrypted entries, corrupt or truncated archives and XML with DTDs,
    before any spreadsheet reader parses a byte of it."""
    max_unpacked = getattr(settings, "RPA_MAX_UNPACKED_BYTES", DEFAULT_MAX_UNPACKED_BYTES)
    try:
        archive = zipfile.ZipFile(io.BytesIO(payload))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise refuse_corrupt() from exc
    if not infos:
        raise refuse_corrupt()
    if len(infos) > MAX_ZIP_ENTRIES:
        raise refuse_bomb()
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise refuse_encrypted()
        total += info.file_size
        if total > max_unpacked:
            raise refuse_bomb()
        if info.file_size > ZIP_RATIO_FLOOR and info.file_size > MAX_ZIP_RATIO * max(
            info.compress_size, 1
        ):
            raise refuse_bomb()
    names = {info.filename for info in infos}
    if "xl/workbook.bin" in names:
        # Binary workbooks hold their cells in records no check here reads: saved as .xlsx,
        # the same sheet is read within the limits below.
        raise refuse_unsupported(".xlsb")
    if not (names & {"xl/workbook.xml", "content.xml"}):
        raise refuse_wrong_content(".zip")
    shape = WorkbookShape()
    for info in infos:
        if info.is_dir():
            continue
        keep = shape.wants(info.file_size)
        data = _inflate_checked(archive, info, keep=keep, oversized=shape.refuse_oversized)
        if data is None:
            continue
        if info.filename == "content.xml":
            check_opendocument(data, shape.limits)
        else:
            shape.inspect(info.filename, data)
    shape.finish()


def _inflate_checked(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, *, keep: bool = False, oversized=None
) -> bytes | None:
    """Inflate one entry within its declared size (zipfile stops there and checks the CRC),
    looking for DOCTYPE/ENTITY declarations on the way; its bytes when `keep`. An entry
    not kept that shows a sheet's MARKERS raises `oversized()`."""
    is_xml = (
        info.filename.endswith((".xml", ".rels", ".vml"))
        or "." not in info.filename.rsplit("/", 1)[-1]
    )
    seen = 0
    tail = b""
    kept = []
    try:
        with archive.open(info) as entry:
            while True:
                chunk = entry.read(CHUNK)
                if not chunk:
                    break
                seen += len(chunk)
                if seen > info.file_size:
                    raise refuse_bomb()
                window = tail + chunk
                if is_xml and (b"<!DOCTYPE" in window or b"<!ENTITY" in window):
                    raise refuse_unsafe_xml()
                if not keep and oversized and any(marker in window for marker in MARKERS):
                    raise oversized()
                tail = chunk[-16:]
                if keep:
                    kept.append(chunk)
    except SheetRefused:
        raise
    except (
        zipfile.BadZipFile,
        EOFError,
        OSError,
        ValueError,
        NotImplementedError,
        RuntimeError,
    ) as exc:
        raise refuse_corrupt() from exc
    if seen != info.file_size:
        raise refuse_corrupt()
    return b"".join(kept) if keep else None


def _workbook_tables(payload: bytes) -> Iterator[Table]:
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(payload))
        metadata = list(workbook.sheets_metadata)
    except Exception as exc:  # calamine raises its own and Rust-side errors
        raise refuse_corrupt() from exc
    candidates = []
    for meta in metadata:
        if meta.visible != python_calamine.SheetVisibleEnum.Visible:
            continue
        if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
            continue
        candidates.append((looks_like_summary_sheet(meta.name), meta.name))
    # Summary-looking sheets are tried last (stable sort keeps the workbook's order).
    candidates.sort(key=lambda item: item[0])
    return _iter_workbook(workbook, candidates)


def _iter_workbook(workbook, candidates) -> Iterator[Table]:
    for is_summary, name in candidates:
        try:
            sheet = workbook.get_sheet_by_name(name)
        except Exception as exc:
            raise refuse_corrupt() from exc
        if sheet.start is None:
            continue
        yield Table(name, _sheet_rows(sheet), is_summary)


def _sheet_rows(sheet) -> Iterator[tuple[int, list]]:
    first = sheet.start[0] + 1
    try:
        yield from enumerate(sheet.iter_rows(), start=first)
    except Exception as exc:
        raise refuse_corrupt() from exc


# ------------------------------------------------------------------ CSV
def decode_text(payload: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, or CP949/EUC-KR, detected."""
    if payload.startswith(codecs.BOM_UTF8):
        payload = payload[len(codecs.BOM_UTF8) :]
        encodings = ("utf-8",)
    elif payload.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ("utf-16",)
    else:
        encodings = ("utf-8", "cp949")
    for encoding in encodings:
        try:
            text = payload.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return text
    raise refuse_encoding()


def _lines(text: str) -> Iterator[str]:
    """The text's lines, none longer than MAX_LINE_CHARS: the csv module builds a line's
    whole list of cells before anyone can count them."""
    start, length, number = 0, len(text), 0
    while start < length:
        end = text.find("\n", start)
        end = length - 1 if end < 0 else end
        number += 1
        if end + 1 - start > MAX_LINE_CHARS:
            raise refuse_long_line(number)
        yield text[start : end + 1]
        start = end + 1


def _choose_delimiter(text: str) -> str:
    best, best_width = ",", 0
    for delimiter in CSV_DELIMITERS:
        reader = csv.reader(_lines(text), delimiter=delimiter)
        try:
            for index, cells in enumerate(reader):
                if index >= HEADER_SCAN_ROWS:
                    break
                if map_header(cells) is not None:
                    return delimiter
                if len(cells) > best_width:
                    best, best_width = delimiter, len(cells)
        except csv.Error:
            continue
    return best


def _csv_rows(payload: bytes) -> Iterator[tuple[int, list]]:
    text = decode_text(payload)
    if not text.strip():
        raise refuse_empty()
    if "\n" not in text and "\r" in text:
        text = text.replace("\r", "\n")
    delimiter = _choose_delimiter(text)
    reader = csv.reader(_lines(text), delimiter=delimiter)
    limits = Limits.from_settings()
    widest = 0
    try:
        for number, cells in enumerate(reader, start=1):
            widest = max(widest, len(cells))
            limits.check_extent(number, widest)
            yield number, cells
    except csv.Error as exc:
        raise refuse_corrupt() from exc


# ------------------------------------------------------------------ HTML saved as .xls
def _looks_like_html_table(payload: bytes) -> bool:
    head = payload[:65536].lstrip(codecs.BOM_UTF8).lstrip().lower()
    return head.startswith(b"<") and b"<table" in payload[:1048576].lower()


class _TableParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._tables = 0
        self._limits = Limits.from_settings()
        self._widest = 0

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._tables += 1
        elif tag == "tr" and self._tables:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
            span = dict(attrs).get("colspan")
            self._span = int(span) if span and span.isdigit() and int(span) < 100 else 1
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._row.extend([""] * (self._span - 1))
            self._cell = None
            self._widest = max(self._widest, len(self._row))
            self._limits.check_extent(len(self.rows) + 1, self._widest)
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None
            self._limits.check_extent(len(self.rows), self._widest)
        elif tag == "table":
            self._tables = max(0, self._tables - 1)

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _html_rows(payload: bytes) -> Iterator[tuple[int, list]]:
    parser = _TableParser()
    parser.feed(decode_text(payload))
    parser.close()
    yield from enumerate(parser.rows, start=1)
