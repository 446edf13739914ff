"""The shape checks read cell references the way a reader does, whatever form they take.

The sheets here reach only a little beyond small limits set for the test, so that a check
that failed would let the reader build a small grid, not crash the test run (the far cells
are in tests/security/test_hostile_workbooks.py, each read in a process of its own).
"""

import io
import zipfile

import pytest

from rpa.importer import SheetRefused, read_sheet
from rpa.importer.shape import Limits, _reference_extent, walk_sheet
from tests.security.hostile_workbooks import (
    DATA_ROW,
    HEADER_ROW,
    MAIN,
    ODS_HEAD,
    ods,
    shared_strings_xml,
    sheet_xml,
    xlsx,
)

from .helpers import SAMPLES, csv_bytes


@pytest.fixture(autouse=True)
def _small_limits(settings):
    settings.RPA_MAX_ROWS = 50
    settings.RPA_MAX_COLUMNS = 10
    settings.RPA_MAX_CELLS = 400
    settings.RPA_MAX_SHEET_TEXT_BYTES = 200_000


def refusal(data: bytes, filename: str = "sheet.xlsx") -> SheetRefused:
    with pytest.raises(SheetRefused) as refused:
        read_sheet(data, filename)
    return refused.value


def test_cell_beyond_the_column_limit_is_refused_with_its_name():
    extra = '<row r="3"><c r="K3"><v>1</v></c></row>'
    refused = refusal(xlsx([sheet_xml(HEADER_ROW + DATA_ROW + extra)]))
    assert refused.code == "sheet_too_large"
    assert "K3" in str(refused)


def test_prefixed_cell_tags_and_references_are_counted():
    sheet = (
        f'<?xml version="1.0"?><x:worksheet xmlns:x="{MAIN}"><x:sheetData>'
        + (HEADER_ROW + DATA_ROW).replace("<row", "<x:row").replace("</row", "</x:row")
        + '<x:row x:r="3"><x:c x:r="L3"><x:v>1</x:v></x:c></x:row></x:sheetData></x:worksheet>'
    )
    assert "L3" in str(refusal(xlsx([sheet.encode()])))


def test_sheet_stored_under_another_name_is_inspected_all_the_same():
    extra = '<row r="3"><c r="K3"><v>1</v></c></row>'
    source = zipfile.ZipFile(io.BytesIO(xlsx([sheet_xml(HEADER_ROW + DATA_ROW + extra)])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename).replace(b"sheet1.xml", b"sheet1.dat")
            target.writestr(info.filename.replace("sheet1.xml", "sheet1.dat"), data)
    assert "K3" in str(refusal(out.getvalue()))


def test_namespace_declared_as_r_is_not_a_cell_reference():
    report = read_sheet(xlsx([sheet_xml(HEADER_ROW + DATA_ROW)]), "sheet.xlsx")
    assert [row.status for row in report.rows] == ["valid"]


def test_character_reference_in_a_cell_reference_is_read_as_a_reader_reads_it():
    extra = '<row r="3"><c r="&#75;3"><v>1</v></c></row>'  # &#75; is K
    assert "K3" in str(refusal(xlsx([sheet_xml(HEADER_ROW + DATA_ROW + extra)])))


@pytest.mark.parametrize("reference", ["A0", "A", "3A", "a3", "A 3"])
def test_reference_in_a_form_no_spreadsheet_writes_is_refused(reference):
    extra = f'<row r="3"><c r="{reference}"><v>1</v></c></row>'
    refused = refusal(xlsx([sheet_xml(HEADER_ROW + DATA_ROW + extra)]))
    assert refused.code in {"bad_cell_reference", "corrupt"}


def test_cells_without_references_follow_the_cell_before():
    cells = "<c><v>1</v></c>" * 11
    refused = refusal(xlsx([sheet_xml(HEADER_ROW + DATA_ROW + f"<row>{cells}</row>")]))
    assert "K3" in str(refused)


def test_fast_scan_and_exact_walk_find_the_same_extent():
    extra = '<row r="7"><c r="C7"><v>1</v></c><c r="J9"><v>2</v></c></row>'
    data = sheet_xml(HEADER_ROW + DATA_ROW + extra)
    max_row, max_column, _indexes, _unknown = walk_sheet(data, Limits.from_settings())
    assert _reference_extent(data) == (max_row, max_column) == (9, 10)


def test_rows_beyond_the_row_limit_are_refused():
    extra = '<row r="51"><c r="A51"><v>1</v></c></row>'
    assert "D51" in str(refusal(xlsx([sheet_xml(HEADER_ROW + DATA_ROW + extra)])))


def test_used_range_beyond_the_cell_limit_is_refused():
    extra = '<row r="41"><c r="J41"><v>1</v></c></row>'  # 41 rows x 10 columns > 400 cells
    assert refusal(xlsx([sheet_xml(HEADER_ROW + DATA_ROW + extra)])).code == "sheet_too_large"


def test_shared_string_repeated_past_the_text_budget_is_refused():
    cells = "".join(f'<row r="{n}"><c r="E{n}" t="s"><v>0</v></c></row>' for n in range(3, 25))
    data = xlsx(
        [sheet_xml(HEADER_ROW + DATA_ROW + cells)], shared_strings=shared_strings_xml(["가" * 4000])
    )
    assert refusal(data).code == "too_much_text"  # 22 copies of 12 KB > 200 KB


def test_shared_string_named_in_an_unusual_form_counts_as_the_longest():
    cells = "".join(
        f'<row r="{n}"><c r="E{n}" t="s"><f>0</f><v>0</v></c></row>' for n in range(3, 25)
    )
    data = xlsx(
        [sheet_xml(HEADER_ROW + DATA_ROW + cells)], shared_strings=shared_strings_xml(["가" * 4000])
    )
    assert refusal(data).code == "too_much_text"


def test_shared_strings_within_the_budget_are_read():
    cells = '<row r="3"><c r="E3" t="s"><v>0</v></c></row>'
    data = xlsx(
        [sheet_xml(HEADER_ROW + DATA_ROW + cells)], shared_strings=shared_strings_xml(["메모"])
    )
    assert read_sheet(data, "sheet.xlsx").rows[0].status == "valid"


def test_csv_wider_than_the_column_limit_is_refused():
    data = csv_bytes([["성명", "휴대전화"], ["홍길동", "010-1234-5678"] + [""] * 9])
    refused = refusal(data, "wide.csv")
    assert refused.code == "sheet_too_large" and "K2" in str(refused)


def test_limits_come_from_the_settings(settings):
    settings.RPA_MAX_ROWS = 3
    assert refusal((SAMPLES / "standard.xlsx").read_bytes(), "standard.xlsx").code == (
        "sheet_too_large"
    )


def test_opendocument_text_copied_into_every_repeat_counts_against_the_budget():
    text = "x" * 10_000
    cell = (
        '<table:table-cell table:number-columns-repeated="5" office:value-type="string" '
        f'office:string-value="{text}"/>'
    )
    rows = f'<table:table-row table:number-rows-repeated="10">{cell}</table:table-row>'
    refused = refusal(ods(ODS_HEAD + rows), "sheet.ods")  # 50 copies of 10,000 > 200 KB
    assert refused.code == "too_much_text"


def test_opendocument_sheet_within_the_limits_is_read():
    assert read_sheet(ods(ODS_HEAD), "sheet.ods").header_row == 1
