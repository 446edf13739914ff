"""Old Excel workbooks (.xls: BIFF8 records in an OLE compound file), written byte by byte."""

from __future__ import annotations

import struct

SECTOR = 512
MAX_RECORD = 8224  # Excel splits longer records into CONTINUE records


def record(kind: int, body: bytes = b"") -> bytes:
    return struct.pack("<HH", kind, len(body)) + body


def _sst(strings: list[str]) -> bytes:
    """The shared strings, the last of them split over CONTINUE records as Excel does (each
    continuation starts with the flags byte of the characters it goes on with)."""
    head = struct.pack("<II", len(strings), len(strings))
    for text in strings[:-1]:
        head += struct.pack("<HB", len(text), 1) + text.encode("utf-16-le")
    last = strings[-1].encode("latin-1")  # one byte a character
    head += struct.pack("<HB", len(last), 0)
    room = MAX_RECORD - len(head)
    records = record(0x00FC, head + last[:room])
    for start in range(room, len(last), MAX_RECORD - 1):
        records += record(0x003C, b"\x00" + last[start : start + MAX_RECORD - 1])
    return records


def biff8(cells, strings: list[str], dimension: tuple[int, int] | None = None) -> bytes:
    """A workbook stream of one sheet: cells are (row, column, shared string index), from 0."""
    bof_globals = record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 0))
    filler = record(0x00E2) * 1100  # keeps the stream above the mini-stream cutoff (4096 bytes)
    sst = _sst(strings)
    name = "명단".encode("utf-16-le")
    eof = record(0x000A)
    sheet_offset = len(bof_globals) + len(filler) + 4 + 8 + len(name) + len(sst) + len(eof)
    boundsheet = record(0x0085, struct.pack("<IBBBB", sheet_offset, 0, 0, len(name) // 2, 1) + name)
    globals_part = bof_globals + filler + boundsheet + sst + eof
    rows = max(row for row, _column, _index in cells) + 1
    columns = max(column for _row, column, _index in cells) + 1
    rows, columns = dimension or (rows, columns)
    sheet = record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0x0DBB, 0x07CC, 0, 0))
    sheet += record(0x0200, struct.pack("<IIHHH", 0, rows, 0, columns, 0))
    sheet += b"".join(
        record(0x00FD, struct.pack("<HHHI", row, column, 0x0F, index))
        for row, column, index in cells
    )
    return globals_part + sheet + eof


def compound_file(stream: bytes, name: str = "Workbook") -> bytes:
    """An OLE compound file (version 3, 512-byte sectors) holding one stream."""
    sectors = -(-len(stream) // SECTOR)
    fat_sectors = 1
    while fat_sectors * 128 < fat_sectors + 1 + sectors:
        fat_sectors += 1
    first = fat_sectors + 1  # FAT sectors, then the directory, then the stream
    fat = [0xFFFFFFFD] * fat_sectors + [0xFFFFFFFE]
    fat += [first + i + 1 for i in range(sectors - 1)] + [0xFFFFFFFE]
    fat += [0xFFFFFFFF] * (fat_sectors * 128 - len(fat))
    difat = list(range(fat_sectors)) + [0xFFFFFFFF] * (109 - fat_sectors)
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\x00" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\x00" * 6
        + struct.pack("<9I", 0, fat_sectors, fat_sectors, 0, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)
        + struct.pack("<109I", *difat)
    )

    def entry(entry_name: str, kind: int, start: int, size: int, child: int) -> bytes:
        raw = entry_name.encode("utf-16-le") + b"\x00\x00"
        return (
            raw.ljust(64, b"\x00")
            + struct.pack("<HBBIII", len(raw), kind, 1, 0xFFFFFFFF, 0xFFFFFFFF, child)
            + b"\x00" * 36
            + struct.pack("<IQ", start, size)
        )

    directory = entry("Root Entry", 5, 0xFFFFFFFE, 0, 1) + entry(
        name, 2, first, len(stream), 0xFFFFFFFF
    )
    body = struct.pack(f"<{len(fat)}I", *fat) + directory.ljust(SECTOR, b"\x00")
    return header + body + stream.ljust(sectors * SECTOR, b"\x00")


STRINGS = [
    "성명",
    "휴대전화",
    "검사일",
    "검사결과",
    "홍길동",
    "010-1234-5678",
    "2021-08-02",
    "음성",
]
LIST = [(0, 0, 0), (0, 1, 1), (0, 2, 2), (0, 3, 3), (1, 0, 4), (1, 1, 5), (1, 2, 6), (1, 3, 7)]


def normal_xls() -> bytes:
    return compound_file(biff8(LIST, STRINGS + ["x"]))


def far_cell_xls() -> bytes:
    """One more cell at IV65536, the last cell of an .xls sheet, under an honest-looking
    DIMENSIONS record: a reader's grid of 16.7 million cells."""
    return compound_file(biff8(LIST + [(65535, 255, 0)], STRINGS + ["x"], dimension=(2, 4)))


def repeated_long_string_xls() -> bytes:
    """20,000 cells that each name one shared string of 60,000 characters: 1.2 GB of copies."""
    cells = LIST + [(row, 5, len(STRINGS)) for row in range(2, 20_002)]
    return compound_file(biff8(cells, STRINGS + ["x" * 60_000]))
