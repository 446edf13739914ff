"""Hostile case sheets, built byte by byte: each is small on disk and asks a reader for far more.

    python -m tests.security.hostile_workbooks DIRECTORY   # writes every file there

Each builder returns the file's bytes; CORPUS names the file, its builder and a piece of the
sentence it is refused with (None: the file is harmless and reads normally).
"""

from __future__ import annotations

import io
import random
import sys
import zipfile
from pathlib import Path

from tests.rpa_importer.test_attacks import billion_laughs, zip_bomb

from .legacy_workbooks import far_cell_xls, normal_xls, repeated_long_string_xls

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"

HEADER_ROW = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>성명</t></is></c>'
    '<c r="B1" t="inlineStr"><is><t>휴대전화</t></is></c>'
    '<c r="C1" t="inlineStr"><is><t>검사일</t></is></c>'
    '<c r="D1" t="inlineStr"><is><t>검사결과</t></is></c></row>'
)
DATA_ROW = (
    '<row r="2"><c r="A2" t="inlineStr"><is><t>홍길동</t></is></c>'
    '<c r="B2" t="inlineStr"><is><t>010-1234-5678</t></is></c>'
    '<c r="C2" t="inlineStr"><is><t>2021-08-02</t></is></c>'
    '<c r="D2" t="inlineStr"><is><t>음성</t></is></c></row>'
)


def sheet_xml(rows: str, dimension: str = "A1:D2", before: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<worksheet xmlns="{MAIN}" xmlns:r="{RELS}"><dimension ref="{dimension}"/>'
        f"{before}<sheetData>{rows}</sheetData></worksheet>"
    ).encode()


def xlsx(
    sheets: list[bytes],
    *,
    shared_strings: bytes | None = None,
    styles: bytes | None = None,
    workbook_extra: str = "",
) -> bytes:
    """A minimal workbook as Excel lays it out: content types, relationships, the parts."""
    names = [f"명단{index + 1}" if index else "명단" for index in range(len(sheets))]
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i + 1}.xml" ContentType="{SHEET_TYPE}"/>'
        for i in range(len(sheets))
    )
    content_types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        f"{overrides}</Types>"
    )
    root_rels = (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE_RELS}">'
        f'<Relationship Id="rId1" Type="{RELS}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    )
    sheet_list = "".join(
        f'<sheet name="{name}" sheetId="{i + 1}" r:id="rId{i + 1}"/>'
        for i, name in enumerate(names)
    )
    workbook = (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{RELS}">'
        f"{workbook_extra}<sheets>{sheet_list}</sheets></workbook>"
    )
    relations = [
        f'<Relationship Id="rId{i + 1}" Type="{RELS}/worksheet" Target="worksheets/sheet{i + 1}.xml"/>'
        for i in range(len(sheets))
    ]
    if shared_strings is not None:
        relations.append(
            f'<Relationship Id="rIdS" Type="{RELS}/sharedStrings" Target="sharedStrings.xml"/>'
        )
    if styles is not None:
        relations.append(f'<Relationship Id="rIdT" Type="{RELS}/styles" Target="styles.xml"/>')
    workbook_rels = (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE_RELS}">'
        f"{''.join(relations)}</Relationships>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", root_rels)
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels", workbook_rels)
        for index, sheet in enumerate(sheets):
            archive.writestr(f"xl/worksheets/sheet{index + 1}.xml", sheet)
        if shared_strings is not None:
            archive.writestr("xl/sharedStrings.xml", shared_strings)
        if styles is not None:
            archive.writestr("xl/styles.xml", styles)
    return out.getvalue()


def shared_strings_xml(items) -> bytes:
    body = "".join(f"<si><t>{text}</t></si>" for text in items)
    return f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}">{body}</sst>'.encode()


# ------------------------------------------------------------------ the attacks
def normal_workbook() -> bytes:
    return xlsx([sheet_xml(HEADER_ROW + DATA_ROW)])


def far_cell() -> bytes:
    """One more cell at the last cell of a sheet: a reader's grid of 17 billion cells."""
    far = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    return xlsx([sheet_xml(HEADER_ROW + DATA_ROW + far)])


def huge_dimension() -> bytes:
    """A small sheet whose <dimension> claims the whole sheet."""
    return xlsx([sheet_xml(HEADER_ROW + DATA_ROW, dimension="A1:XFD1048576")])


def _column(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def wide_row() -> bytes:
    """A data row of 20,000 cells."""
    cells = "".join(f'<c r="{_column(n)}3"><v>{n}</v></c>' for n in range(1, 20_001))
    return xlsx([sheet_xml(HEADER_ROW + DATA_ROW + f'<row r="3">{cells}</row>')])


def wide_row_without_references() -> bytes:
    """20,000 cells that name no position: a reader places each after the one before."""
    cells = f"<c><v>{random.random()}</v></c>" * 20_000
    return xlsx([sheet_xml(HEADER_ROW + DATA_ROW + f"<row>{cells}</row>")])


def many_sheets() -> bytes:
    """Two thousand sheets, each a copy of the list's header."""
    sheet = sheet_xml(HEADER_ROW)
    return xlsx([sheet_xml(HEADER_ROW + DATA_ROW)] + [sheet] * 1999)


def huge_shared_strings() -> bytes:
    """A table of 1.2 million different texts, more than the cells a case sheet may have."""
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    rng = random.Random(11)
    items = ("".join(rng.choices(alphabet, k=6)) for _ in range(1_200_000))
    cells = '<row r="3"><c r="A3" t="s"><v>0</v></c></row>'
    return xlsx(
        [sheet_xml(HEADER_ROW + DATA_ROW + cells)], shared_strings=shared_strings_xml(items)
    )


def repeated_long_string() -> bytes:
    """3,000 cells that each name one shared string of a million characters: 3 GB of copies."""
    rng = random.Random(7)
    text = "".join(
        rng.choices("가나다라마바사아자차카타파하", k=300_000)
    )  # 900 KB, under the ratio
    cells = "".join(f'<row r="{n}"><c r="E{n}" t="s"><v>0</v></c></row>' for n in range(3, 3003))
    return xlsx(
        [sheet_xml(HEADER_ROW + DATA_ROW + cells, dimension="A1:E3002")],
        shared_strings=shared_strings_xml([text]),
    )


def deep_workbook_xml() -> bytes:
    """The workbook part nested 50,000 elements deep."""
    depth = 50_000
    return xlsx(
        [sheet_xml(HEADER_ROW + DATA_ROW)],
        workbook_extra="<extLst>" + "<ext>" * depth + "</ext>" * depth + "</extLst>",
    )


def deep_sheet_xml() -> bytes:
    """A cell's text nested 50,000 elements deep: read without recursion, so it is harmless."""
    depth = 50_000
    nested = "<x>" * depth + "</x>" * depth
    row = DATA_ROW.replace("<t>홍길동</t>", f"<t>홍길동</t>{nested}")
    return xlsx([sheet_xml(HEADER_ROW + row)])


def many_styles() -> bytes:
    """100,000 cell formats (Excel stops at 64,000), varied so that they do not compress away."""
    rng = random.Random(3)
    formats = "".join(
        f'<xf numFmtId="{rng.randrange(200)}" fontId="{rng.randrange(99999)}" '
        f'fillId="{rng.randrange(99999)}" borderId="0" xfId="0"/>'
        for _ in range(100_000)
    )
    styles = (
        f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{MAIN}">'
        f'<cellXfs count="100000">{formats}</cellXfs></styleSheet>'
    ).encode()
    return xlsx([sheet_xml(HEADER_ROW + DATA_ROW)], styles=styles)


def comma_flood_csv() -> bytes:
    """A CSV line of 15 million empty columns."""
    return "성명,휴대전화\r\n홍길동,010-1234-5678".encode() + b"," * 15_000_000 + b"\r\n"


def tall_csv() -> bytes:
    """A CSV of 150,000 lines, more than a case sheet's rows."""
    return "성명,휴대전화\r\n".encode() + b"a,b\r\n" * 150_000


def colspan_flood_html() -> bytes:
    """An HTML table saved as .xls whose cells each span 99 columns: 89 million cells."""
    row = b"<tr>" + b"<td colspan=99>x</td>" * 1_000 + b"</tr>"
    return (
        "<html><body><table><tr><td>성명</td><td>휴대전화</td></tr>".encode()
        + row * 900
        + b"</table></body></html>"
    )


def ods(rows: str) -> bytes:
    """A minimal OpenDocument spreadsheet of one sheet."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="명단">{rows}'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "mimetype",
            "application/vnd.oasis.opendocument.spreadsheet",
            compress_type=zipfile.ZIP_STORED,
        )
        archive.writestr("content.xml", content)
        archive.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
            'manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
            'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
            '<manifest:file-entry manifest:full-path="content.xml" '
            'manifest:media-type="text/xml"/></manifest:manifest>',
        )
    return out.getvalue()


def _ods_cell(text: str) -> str:
    return (
        f'<table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell>'
    )


ODS_HEAD = (
    f"<table:table-row>{_ods_cell('성명')}{_ods_cell('휴대전화')}</table:table-row>"
    f"<table:table-row>{_ods_cell('홍길동')}{_ods_cell('010-1234-5678')}</table:table-row>"
)


def repeated_rows_ods() -> bytes:
    """One row element that stands for a million rows of text."""
    row = (
        f'<table:table-row table:number-rows-repeated="1000000">{_ods_cell("x")}</table:table-row>'
    )
    return ods(ODS_HEAD + row)


def empty_tail_ods() -> bytes:
    """What LibreOffice writes after a formatted sheet: a million empty rows, read as nothing."""
    tail = (
        '<table:table-row table:number-rows-repeated="1048000">'
        '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
    )
    return ods(ODS_HEAD + tail)


# (file name, builder, a piece of the refusal sentence or None for a file read normally)
CORPUS = [
    ("far-cell.xlsx", far_cell, "XFD1048576"),
    ("huge-dimension.xlsx", huge_dimension, "XFD1048576"),
    ("wide-row.xlsx", wide_row, "ACOF3"),
    ("wide-row-without-references.xlsx", wide_row_without_references, "GS3"),
    ("many-sheets.xlsx", many_sheets, "2,000"),
    ("huge-shared-strings.xlsx", huge_shared_strings, "1,200,000"),
    ("repeated-long-string.xlsx", repeated_long_string, "64 MB"),
    ("deep-workbook.xlsx", deep_workbook_xml, "XML"),
    ("deep-sheet.xlsx", deep_sheet_xml, None),
    ("many-styles.xlsx", many_styles, "100,000"),
    ("zip-bomb.xlsx", zip_bomb, "CSV"),
    ("billion-laughs.xlsx", billion_laughs, "XML"),
    ("comma-flood.csv", comma_flood_csv, "100,000"),
    ("tall.csv", tall_csv, "100,000"),
    ("colspan-flood.xls", colspan_flood_html, "200"),
    ("repeated-rows.ods", repeated_rows_ods, "B1000002"),
    ("empty-tail.ods", empty_tail_ods, None),
    ("far-cell.xls", far_cell_xls, "IV65536"),
    ("repeated-long-string.xls", repeated_long_string_xls, "64 MB"),
    ("normal.xls", normal_xls, None),
]


def write_corpus(directory: Path) -> dict[str, Path]:
    """Every file of CORPUS written into `directory`, by name."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, build, _expected in CORPUS:
        path = directory / name
        path.write_bytes(build())
        paths[name] = path
    return paths


if __name__ == "__main__":
    for name, path in write_corpus(Path(sys.argv[1])).items():
        print(f"{path.stat().st_size:>10,} bytes  {name}")
