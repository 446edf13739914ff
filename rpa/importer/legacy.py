"""Bounding an old Excel workbook (.xls: BIFF8 records in an OLE compound file) before reading.

A reader builds the same dense grid from .xls as from .xlsx (a 7 KB file with one cell at
IV65536 takes 1.2 GB) and copies a shared string into every cell that names it. So the
compound file's `Workbook` stream is taken out here (following its sector chains, each at
most as long as the file has sectors) and its records walked: every cell's row and column,
each sheet's DIMENSIONS, the sheets, and the shared strings the cells repeat are checked
against the limits before the reader sees the file.
"""

from __future__ import annotations

import struct
from collections import Counter

from .errors import refuse_corrupt
from .shape import Limits, refuse_sheets, refuse_strings, refuse_text

END_OF_CHAIN = 0xFFFFFFFE
DIRECTORY_ENTRY = 128
STREAM_NAMES = ("Workbook", "Book")

BOUNDSHEET, CONTINUE, DIMENSIONS, SST = 0x0085, 0x003C, 0x0200, 0x00FC
LABELSST, MULRK, MULBLANK, ROW = 0x00FD, 0x00BD, 0x00BE, 0x0208
# Records that start with the cell's row and column (u16 each).
CELL_RECORDS = {0x0006, 0x00FD, 0x0203, 0x027E, 0x0201, 0x0205, 0x0204, 0x00D6}
# One UTF-16 unit becomes at most three bytes of UTF-8 in the reader.
BYTES_PER_CHARACTER = 3


# ------------------------------------------------------------------ the compound file
def _u32(data: bytes, offset: int) -> int:
    return struct.unpack_from("<I", data, offset)[0]


def _chain(table: list[int], start: int) -> list[int]:
    """The sectors of a chain; a chain that visits a sector twice is a corrupt file (and
    would otherwise be read without end)."""
    sectors, seen = [], set()
    while start != END_OF_CHAIN:
        if start >= len(table) or start in seen:
            raise refuse_corrupt()
        seen.add(start)
        sectors.append(start)
        start = table[start]
    return sectors


def workbook_streams(payload: bytes) -> list[bytes]:
    """Every stream of a compound file named as a BIFF workbook (`Workbook`, or `Book` of
    Excel 95): whichever a reader picks, it has been checked."""
    try:
        shift = struct.unpack_from("<H", payload, 0x1E)[0]
        mini_shift = struct.unpack_from("<H", payload, 0x20)[0]
        if shift not in (9, 12) or mini_shift != 6:
            raise refuse_corrupt()
        size = 1 << shift

        def sector(number: int) -> bytes:
            offset = (number + 1) * size
            if offset >= len(payload):
                raise refuse_corrupt()
            return payload[offset : offset + size]

        fat_sectors = list(struct.unpack_from("<109I", payload, 0x4C))
        difat, difat_count = _u32(payload, 0x44), _u32(payload, 0x48)
        for _ in range(difat_count):
            if difat >= len(payload) // size:
                raise refuse_corrupt()
            entries = struct.unpack(f"<{size // 4}I", sector(difat))
            fat_sectors += entries[:-1]
            difat = entries[-1]
        fat_count = _u32(payload, 0x2C)
        if fat_count > len(payload) // size:
            raise refuse_corrupt()
        fat_bytes = b"".join(sector(n) for n in fat_sectors[:fat_count])
        fat = list(struct.unpack(f"<{len(fat_bytes) // 4}I", fat_bytes))

        def read(start: int, length: int) -> bytes:
            return b"".join(sector(n) for n in _chain(fat, start))[:length]

        directory = read(_u32(payload, 0x30), len(payload))
        entries = [
            directory[i : i + DIRECTORY_ENTRY]
            for i in range(0, len(directory) - DIRECTORY_ENTRY + 1, DIRECTORY_ENTRY)
        ]
        if not entries:
            raise refuse_corrupt()
        streams = []
        for entry in entries:
            name_length = struct.unpack_from("<H", entry, 0x40)[0]
            name = entry[: max(name_length - 2, 0)].decode("utf-16-le", "replace")
            if entry[0x42] != 2 or name not in STREAM_NAMES:
                continue
            start, length = _u32(entry, 0x74), _u32(entry, 0x78)
            if length > len(payload):
                raise refuse_corrupt()
            if length >= _u32(payload, 0x38):
                streams.append(read(start, length))
                continue
            # A small stream lives in the mini stream: 64-byte sectors inside the root's.
            mini_fat_bytes = read(_u32(payload, 0x3C), len(payload))
            mini_fat = list(struct.unpack(f"<{len(mini_fat_bytes) // 4}I", mini_fat_bytes))
            root = entries[0]
            mini_stream = read(_u32(root, 0x74), _u32(root, 0x78))
            pieces = [mini_stream[n * 64 : n * 64 + 64] for n in _chain(mini_fat, start)]
            streams.append(b"".join(pieces)[:length])
        if not streams:
            raise refuse_corrupt()
        return streams
    except struct.error as exc:
        raise refuse_corrupt() from exc


# ------------------------------------------------------------------ the records
def _records(stream: bytes):
    position, end = 0, len(stream)
    while position + 4 <= end:
        kind, length = struct.unpack_from("<HH", stream, position)
        body = stream[position + 4 : position + 4 + length]
        position += 4 + length
        yield kind, body


def _shared_string_lengths(segments: list[bytes]) -> list[int]:
    """Each shared string's length in characters, walking its CONTINUE records as a reader
    does (a string's characters may go on in the next record, after a new flags byte)."""
    lengths: list[int] = []
    if not segments or len(segments[0]) < 8:
        return lengths
    unique = _u32(segments[0], 4)
    index, position = 0, 8

    def advance(count: int) -> None:
        nonlocal index, position
        while count > 0 and index < len(segments):
            taken = min(count, len(segments[index]) - position)
            position += taken
            count -= taken
            if position >= len(segments[index]):
                index, position = index + 1, 0

    while len(lengths) < unique and index < len(segments):
        segment = segments[index]
        if position + 3 > len(segment):
            index, position = index + 1, 0
            continue
        characters, flags = struct.unpack_from("<HB", segment, position)
        position += 3
        runs = extended = 0
        if flags & 0x8 and position + 2 <= len(segment):
            runs = struct.unpack_from("<H", segment, position)[0]
            position += 2
        if flags & 0x4 and position + 4 <= len(segment):
            extended = _u32(segment, position)
            position += 4
        lengths.append(characters)
        width, remaining = (2 if flags & 0x1 else 1), characters
        while remaining > 0 and index < len(segments):
            available = (len(segments[index]) - position) // width
            taken = min(remaining, available)
            position += taken * width
            remaining -= taken
            if remaining > 0:
                index += 1
                if index < len(segments):
                    width = 2 if segments[index][0] & 0x1 else 1
                    position = 1
        advance(4 * runs + extended)
    return lengths


def check_legacy_workbook(payload: bytes, limits: Limits) -> None:
    """Refuse an .xls workbook whose sheets reach beyond `limits`."""
    for stream in workbook_streams(payload):
        _check_stream(stream, limits)


def _check_stream(stream: bytes, limits: Limits) -> None:
    sheets = 0
    max_row = max_column = 0
    sst_segments: list[bytes] = []
    in_sst = False
    indexes: Counter = Counter()
    for kind, body in _records(stream):
        if kind == CONTINUE and in_sst:
            sst_segments.append(body)
            continue
        in_sst = kind == SST
        if in_sst:
            sst_segments = [body]
        elif kind == BOUNDSHEET:
            sheets += 1
        elif kind in CELL_RECORDS and len(body) >= 4:
            row, column = struct.unpack_from("<HH", body)
            max_row, max_column = max(max_row, row + 1), max(max_column, column + 1)
            if kind == LABELSST and len(body) >= 10:
                indexes[_u32(body, 6)] += 1
        elif kind in (MULRK, MULBLANK) and len(body) >= 6:
            row, first = struct.unpack_from("<HH", body)
            last = struct.unpack_from("<H", body, len(body) - 2)[0]
            max_row, max_column = max(max_row, row + 1), max(max_column, first + 1, last + 1)
        elif kind == ROW and len(body) >= 2:
            max_row = max(max_row, struct.unpack_from("<H", body)[0] + 1)
        elif kind == DIMENSIONS and len(body) >= 12:
            rows, _first, columns = struct.unpack_from("<IHH", body, 4)
            limits.check_extent(rows, columns)
    if sheets > limits.sheets:
        raise refuse_sheets(sheets, limits.sheets)
    limits.check_extent(max_row, max_column)
    lengths = _shared_string_lengths(sst_segments)
    if len(lengths) > limits.cells:
        raise refuse_strings(len(lengths), limits.cells)
    text = len(stream)
    for index, times in indexes.items():
        if index < len(lengths):
            text += times * lengths[index] * BYTES_PER_CHARACTER
    if text > limits.text_bytes:
        raise refuse_text(limits.text_bytes)
