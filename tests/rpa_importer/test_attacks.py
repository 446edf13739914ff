"""Hostile and broken files: each is refused with one sentence and exit status 2, quickly."""

import io
import struct
import time
import zipfile

import pytest

from rpa.importer import SheetRefused, read_sheet

from .helpers import HEADER, SAMPLES, person, run_dry, xlsx_bytes

BILLION_LAUGHS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>성명</t></is></c><c r="B1" t="inlineStr"><is><t>휴대전화</t></is></c></row>
<row r="2"><c r="A2" t="inlineStr"><is><t>&lol9;</t></is></c><c r="B2" t="inlineStr"><is><t>010-1234-5678</t></is></c></row>
</sheetData></worksheet>""".encode()


def _small_xlsx() -> bytes:
    return xlsx_bytes([("명단", [HEADER, person(1), person(2)])])


def _replace_entry(payload: bytes, name: str, content: bytes, level: int = 6) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(payload))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as target:
        for info in source.infolist():
            data = content if info.filename == name else source.read(info.filename)
            target.writestr(info.filename, data)
        if name not in source.namelist():
            target.writestr(name, content)
    return out.getvalue()


def zip_bomb() -> bytes:
    # 64 MB of one repeated row inflating from about 64 KB: ratio ~1000.
    row = b'<row r="2"><c r="A2" t="inlineStr"><is><t>x</t></is></c></row>'
    body = b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    body += row * (64 * 1024 * 1024 // len(row)) + b"</sheetData></worksheet>"
    return _replace_entry(_small_xlsx(), "xl/worksheets/sheet1.xml", body, level=9)


def lying_zip() -> bytes:
    """An entry that declares 1 KB unpacked but holds 2 MB: sizes patched in both headers."""
    payload = bytearray(
        _replace_entry(
            _small_xlsx(), "xl/worksheets/sheet1.xml", b"<a>" + b"y" * 2_000_000 + b"</a>"
        )
    )
    name = b"xl/worksheets/sheet1.xml"
    # Patch every header naming the entry: local (size at +22) and central (size at +24).
    index = 0
    while (index := payload.find(name, index + 1)) != -1:
        if payload[index - 30 : index - 26] == b"PK\x03\x04":
            struct.pack_into("<I", payload, index - 30 + 22, 1024)
        elif payload[index - 46 : index - 42] == b"PK\x01\x02":
            struct.pack_into("<I", payload, index - 46 + 24, 1024)
    return bytes(payload)


def billion_laughs() -> bytes:
    return _replace_entry(_small_xlsx(), "xl/worksheets/sheet1.xml", BILLION_LAUGHS)


def truncated() -> bytes:
    data = (SAMPLES / "standard.xlsx").read_bytes()
    return data[: len(data) // 2]


def text_named_xlsx() -> bytes:
    return "성명,휴대전화\n홍길동,010-1234-5678\n".encode()


def png_named_xlsx() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + b"\x00" * 200


def docx_named_xlsx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def encrypted_xlsx() -> bytes:
    return (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\x00" * 504
        + "EncryptedPackage".encode("utf-16-le")
        + b"\x00" * 512
    )


def garbage_xls() -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 8


def binary_csv() -> bytes:
    return b"\x00\x01\x02name,phone\x00\xff\xfe\x00" * 50


ATTACKS = [
    ("bomb.xlsx", zip_bomb, "zip_bomb"),
    ("lying.xlsx", lying_zip, "corrupt"),
    ("laughs.xlsx", billion_laughs, "unsafe_xml"),
    ("truncated.xlsx", truncated, "corrupt"),
    ("text.xlsx", text_named_xlsx, "wrong_content"),
    ("image.xlsx", png_named_xlsx, "wrong_content"),
    ("document.xlsx", docx_named_xlsx, "wrong_content"),
    ("locked.xlsx", encrypted_xlsx, "encrypted"),
    ("garbage.xls", garbage_xls, "corrupt"),
    ("binary.csv", binary_csv, "unknown_encoding"),
    ("report.pdf", lambda: b"%PDF-1.4", "unsupported_type"),
    ("empty.xlsx", lambda: b"", "empty"),
    ("spaces.csv", lambda: b"\xef\xbb\xbf \r\n\r\n", "empty"),
]


@pytest.mark.parametrize("filename, build, code", ATTACKS, ids=[a[0] for a in ATTACKS])
def test_hostile_file_is_refused_with_one_sentence_and_exit_2(tmp_path, filename, build, code):
    data = build()
    path = tmp_path / filename
    path.write_bytes(data)
    started = time.perf_counter()
    with pytest.raises(SheetRefused) as refused:
        read_sheet(data, filename)
    assert refused.value.code == code
    status, out, err = run_dry(path)
    elapsed = time.perf_counter() - started
    assert status == 2
    assert out == ""
    line = err.strip()
    assert line and "\n" not in line
    assert any("\uac00" <= ch <= "\ud7a3" for ch in line)  # Korean
    assert elapsed < 10


def test_file_over_the_size_limit_is_refused_before_reading(tmp_path):
    path = tmp_path / "huge.xlsx"
    with path.open("wb") as handle:
        handle.truncate(20 * 1024 * 1024 + 1)  # sparse: nothing to read would be fast anyway
    status, out, err = run_dry(path)
    assert (status, out) == (2, "")
    assert "20" in err and len(err.strip().splitlines()) == 1
    with pytest.raises(SheetRefused) as refused:
        read_sheet(b"x" * 101, "small.csv", max_bytes=100)
    assert refused.value.code == "too_large"


def test_size_limit_comes_from_settings(settings, tmp_path):
    settings.RPA_MAX_UPLOAD_BYTES = 1000
    status, _, err = run_dry(SAMPLES / "standard.xlsx")
    assert status == 2 and err.strip()


def test_total_unpacked_size_is_capped(settings):
    settings.RPA_MAX_UNPACKED_BYTES = 100_000
    with pytest.raises(SheetRefused) as refused:
        read_sheet(SAMPLES / "standard.xlsx", "standard.xlsx")
    assert refused.value.code == "zip_bomb"


def test_calamine_itself_does_not_expand_entities():
    """Even without the importer's DTD check, the reader never expands the billion laughs."""
    import python_calamine

    data = billion_laughs()
    started = time.perf_counter()
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        rows = list(workbook.get_sheet_by_index(0).iter_rows())
    except Exception:
        rows = []  # refusing to parse is as good
    assert time.perf_counter() - started < 5
    assert all(len(str(cell)) < 1000 for row in rows for cell in row)


def test_huge_shared_strings_are_read_in_bounded_time_and_rejected_as_names():
    import random

    letters = "".join(random.choices("abcdefghijklmnopqrstuvwxyz가나다라마바사", k=3_000_000))
    data = xlsx_bytes([("명단", [HEADER, person(1, name=letters), person(2)])])
    started = time.perf_counter()
    report = read_sheet(data, "long.xlsx")
    assert time.perf_counter() - started < 10
    assert report.rows[0].errors[0]["code"] == "name_too_long"
    assert report.rows[1].status == "valid"
    assert len(report.rows[0].errors[0]["message"]) < 200
