"""Sheets the samples do not show, made in the test: the rules, not the samples."""

import datetime

import pytest

from rpa.importer import SheetRefused, read_sheet

from .helpers import DAY, HEADER, by_row, csv_bytes, dry_json, person, xlsx_bytes


def rows_of(report):
    return {row.row: row for row in report.rows}


def test_header_on_row_5_under_title_and_blank_rows_with_other_alias_names():
    rows = [
        ["2021년 8월 2일 검사결과 통보 명단"],
        [],
        ["작성: 감염병대응팀", None, None, "담당자: 김보건"],
        [],
        ["No.", "이 름", "H.P", "검체 채취일", "결 과", "주소"],
        [1, "김하나", "010-1111-2222", DAY, "음성", "대전 유성구"],
        [2, "이둘", "010-3333-4444", DAY, "양성", ""],
    ]
    report = read_sheet(xlsx_bytes([("Sheet1", rows)]), "list.xlsx")
    assert report.header_row == 5
    assert report.columns == {
        "name": "이 름",
        "phone": "H.P",
        "test_date": "검체 채취일",
        "result": "결 과",
    }
    got = rows_of(report)
    assert sorted(got) == [6, 7]
    assert got[6].status == "valid" and got[6].phone == "01011112222"
    assert got[6].notes == {"주소": "대전 유성구"}
    assert got[7].result == "positive" and got[7].message_kind == "positive"


def test_english_headers():
    rows = [
        ["Name", "Mobile", "Test date", "Result"],
        ["John Smith", "+82 10-5555-6666", "2021-08-02", "NEG"],
    ]
    report = read_sheet(xlsx_bytes([("Data", rows)]), "en.xlsx")
    (row,) = report.rows
    assert (row.status, row.name, row.phone, row.result) == (
        "valid",
        "John Smith",
        "01055556666",
        "negative",
    )


def test_hidden_and_summary_sheets_are_skipped_for_the_data_sheet(tmp_path):
    hidden = [HEADER, person(1, name="숨김")]
    summary = [["구분", "인원"], ["음성", 2]]
    data = [HEADER, person(1), person(2, result="양성")]
    path = tmp_path / "multi.xlsx"
    path.write_bytes(
        xlsx_bytes([("원본(숨김)", hidden, "hidden"), ("요약", summary), ("8월2일", data)])
    )
    payload = dry_json(path)
    assert payload["sheet"] == "8월2일"
    assert payload["summary"] == {"rows": 2, "valid": 2, "rejected": 0, "duplicate": 0}


def test_summary_named_sheet_with_a_list_is_used_only_when_nothing_else_is_data():
    summary_list = [HEADER, person(1)]
    report = read_sheet(xlsx_bytes([("요약", summary_list), ("메모", [["메모"]])]), "s.xlsx")
    assert report.sheet == "요약"


def test_phones_in_every_notation_in_one_sheet():
    notations = [
        "010-1234-0001",
        "01012340002",
        "010 1234 0003",
        "010.1234.0004",
        "(010)1234-0005",
        "+82 10-1234-0006",
        "82-10-1234-0007",
        "０１０－１２３４－０００８",
        1012340009,
        1012340010.0,
    ]
    rows = [HEADER] + [person(n, phone=p) for n, p in enumerate(notations, start=1)]
    rows += [
        person(11, phone="02-123-4567"),
        person(12, phone="010-1234-567"),
        person(13, phone=""),
    ]
    report = read_sheet(xlsx_bytes([("명단", rows)]), "phones.xlsx")
    got = rows_of(report)
    for n in range(1, 11):
        assert got[n + 1].phone == f"010123400{n:02d}", got[n + 1]
    assert [got[r].errors[0]["field"] for r in (12, 13, 14)] == ["phone", "phone", "phone"]
    assert got[14].errors[0]["code"] == "missing_phone"


def test_serial_dates_and_text_dates_in_date_columns():
    serial = (DAY - datetime.date(1899, 12, 30)).days  # 44410
    rows = [HEADER]
    rows.append(person(1, test_date=serial))
    rows.append(person(2, test_date=float(serial)))
    rows.append(person(3, test_date="2021. 8. 2."))
    rows.append(person(4, test_date="21.08.02"))
    rows.append(person(5, test_date=datetime.datetime(2021, 8, 2, 14, 0)))
    rows.append(person(6, test_date="20210802"))
    rows.append(person(7, result="", category="자가격리", start=serial - 1, end="2021/08/15"))
    report = read_sheet(xlsx_bytes([("명단", rows)]), "dates.xlsx")
    got = rows_of(report)
    for n in range(2, 8):
        assert got[n].test_date == DAY, n
    assert got[8].status == "valid"
    assert got[8].message_kind == "quarantine"
    assert (got[8].quarantine_start, got[8].quarantine_end) == (
        datetime.date(2021, 8, 1),
        datetime.date(2021, 8, 15),
    )


def test_totals_and_blank_rows_are_not_data_rows():
    rows = [
        HEADER,
        person(1),
        [],
        ["", "", "", ""],
        person(2),
        ["합계", "2명"],
        ["계", 2],
        [" 총 계 "],
        ["소계", 1],
    ]
    report = read_sheet(xlsx_bytes([("명단", rows)]), "totals.xlsx")
    assert [row.row for row in report.rows] == [2, 5]
    assert report.summary == {"rows": 2, "valid": 2, "rejected": 0, "duplicate": 0}


def test_shared_phone_is_not_a_duplicate_but_same_person_is():
    rows = [
        HEADER,
        person(1, name="김첫째", phone="010-7777-8888"),
        person(2, name="김둘째", phone="010-7777-8888"),
        person(3, name="김 첫째", phone="01077778888"),
        person(4, name="김첫째", phone="010-7777-8888", test_date=datetime.date(2021, 8, 3)),
    ]
    report = read_sheet(xlsx_bytes([("명단", rows)]), "shared.xlsx")
    got = rows_of(report)
    assert [got[r].status for r in (2, 3, 4, 5)] == ["valid", "valid", "duplicate", "valid"]
    assert got[4].duplicate_of == 2
    assert got[4].to_dict() == {"row": 4, "status": "duplicate", "duplicate_of": 2}


def test_quarantine_rows_need_both_dates_in_order():
    rows = [
        HEADER,
        person(
            1, result="", test_date="", category="자가격리", start="2021-08-01", end="2021-08-14"
        ),
        person(2, result="", test_date="", category="자가격리"),
        person(3, result="", test_date="", start="2021-08-01"),
        person(4, result="", test_date="", start="2021-08-10", end="2021-08-01"),
        person(5, result="음성", category="자가격리"),  # a result to send: valid on its own
        person(6, result="음성", test_date=""),
        person(7, result="", test_date="", category="능동감시"),
    ]
    got = rows_of(read_sheet(xlsx_bytes([("명단", rows)]), "q.xlsx"))
    assert got[2].status == "valid" and got[2].message_kind == "quarantine"
    assert got[3].errors[0]["code"] == "missing_quarantine_start"
    assert [e["code"] for e in got[4].errors] == ["missing_quarantine_end"]
    assert got[5].errors[0]["code"] == "quarantine_end_before_start"
    assert got[6].status == "valid" and got[6].message_kind == "negative"
    assert got[7].errors[0] == {
        "field": "test_date",
        "code": "missing_test_date",
        "message": got[7].errors[0]["message"],
    }
    assert got[8].errors[0]["field"] == "result"


def test_formula_like_names_are_text_and_stored_as_text():
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["성명", "휴대전화", "검사일", "검사결과"])
    sheet.append(["", "010-1212-3434", DAY, "음성"])
    cell = sheet["A2"]
    cell.value = '=HYPERLINK("http://evil.example","click")'
    cell.data_type = "s"  # typed text, as a person pasting it would get
    sheet.append(['=HYPERLINK("http://evil.example","click")', "010-1212-5656", DAY, "음성"])
    import io

    buffer = io.BytesIO()
    workbook.save(buffer)
    got = rows_of(read_sheet(buffer.getvalue(), "formula.xlsx"))
    assert got[2].name == '=HYPERLINK("http://evil.example","click")'
    # A real formula cell is never evaluated: without a cached value it has no name.
    assert got[3].status == "rejected" and got[3].errors[0]["field"] == "name"

    data = csv_bytes(
        [
            ["성명", "휴대전화", "검사일", "검사결과"],
            ["=1+2", "010-1212-7878", "2021-08-02", "음성"],
        ]
    )
    (row,) = read_sheet(data, "formula.csv").rows
    assert row.name == "=1+2" and row.raw[0] == "=1+2"


def test_raw_cells_are_kept_as_text_for_writing_the_sheet_back():
    rows = [HEADER, person(7, phone=1012345678.0)]
    report = read_sheet(xlsx_bytes([("명단", rows)]), "raw.xlsx")
    (row,) = report.rows
    assert row.raw[:6] == ("7", "홍길동7", "1980-01-01", "1012345678", "2021-08-02", "음성")
    assert report.header == tuple(HEADER)


def test_long_and_latin_names():
    rows = [HEADER, person(1, name="X" * 51), person(2, name="  Maria Garcia Lopez  ")]
    got = rows_of(read_sheet(xlsx_bytes([("명단", rows)]), "names.xlsx"))
    assert got[2].errors[0]["code"] == "name_too_long"
    assert got[3].name == "Maria Garcia Lopez"


CSV_ROWS = [
    ["대전광역시 유성구 검사결과"],
    [],
    ["성 명", "휴대폰 번호", "채취일", "결과", "비고"],
    ["김가나", "010-2222-3333", "2021.08.02", "음성(-)", "재검 예정 없음"],
    ["박다라", "1022224444", "21.08.02", "양성(+)", ""],
    ["Nguyen Van An", "+82 10 2222 5555", "2021/08/02", "Inconclusive", ""],
    ["합계", "3명"],
]


@pytest.mark.parametrize(
    "encoding, delimiter",
    [
        ("utf-8", ","),
        ("utf-8-sig", ","),
        ("cp949", ","),
        ("euc-kr", ","),
        ("utf-16", "\t"),
        ("utf-8", "\t"),
        ("cp949", "\t"),
        ("utf-8", ";"),
    ],
)
def test_csv_in_each_encoding_and_delimiter(tmp_path, encoding, delimiter):
    rows = [[c.replace("Nguyen Van An", "Nguyen Van An") for c in row] for row in CSV_ROWS]
    if encoding in ("cp949", "euc-kr"):
        rows = [row for row in rows if "Nguyen Van An" not in row]
        rows.insert(5, ["최마바", "010-2222-5555", "2021/08/02", "미결정", ""])
    path = tmp_path / "list.csv"
    path.write_bytes(csv_bytes(rows, encoding=encoding, delimiter=delimiter))
    payload = dry_json(path)
    assert payload["sheet"] is None
    assert payload["header_row"] == 3
    got = by_row(payload)
    assert sorted(got) == [4, 5, 6]
    assert [got[r]["result"] for r in (4, 5, 6)] == ["negative", "positive", "inconclusive"]
    assert [got[r]["phone"] for r in (4, 5, 6)] == ["01022223333", "01022224444", "01022225555"]
    assert got[4]["name"] == "김가나"
    assert all(got[r]["test_date"] == "2021-08-02" for r in (4, 5, 6))


def test_csv_with_quoted_newlines_counts_records_as_rows():
    rows = [
        ["성명", "휴대전화", "검사일", "검사결과", "비고"],
        ["김가나", "010-2222-3333", "2021-08-02", "음성", "줄\n바꿈"],
        ["박다라", "010-2222-4444", "2021-08-02", "음성", ""],
    ]
    report = read_sheet(csv_bytes(rows), "nl.csv")
    assert [row.row for row in report.rows] == [2, 3]
    assert report.rows[0].notes == {"비고": "줄\n바꿈"}


def test_html_table_saved_as_xls_is_read():
    html = (
        "<html><head><meta charset='utf-8'></head><body><table>"
        "<tr><th>성명</th><th>연락처</th><th>검사일</th><th>검사결과</th></tr>"
        "<tr><td>김가나</td><td>010-2222-3333</td><td>2021-08-02</td><td>음성</td></tr>"
        "</table></body></html>"
    ).encode()
    (row,) = read_sheet(html, "export.xls").rows
    assert (row.row, row.status, row.phone) == (2, "valid", "01022223333")


def test_repeated_header_rows_further_down_are_skipped():
    rows = [HEADER, person(1), HEADER, person(2)]
    report = read_sheet(xlsx_bytes([("명단", rows)]), "printed.xlsx")
    assert [row.row for row in report.rows] == [2, 4]


def test_header_needs_both_name_and_phone():
    rows = [["성명", "검사일", "검사결과"], ["김가나", "2021-08-02", "음성"]]
    with pytest.raises(SheetRefused) as refused:
        read_sheet(xlsx_bytes([("명단", rows)]), "nophone.xlsx")
    assert refused.value.code == "no_header"


def test_header_only_sheet_has_no_rows():
    report = read_sheet(csv_bytes([["성명", "휴대전화"]]), "empty-list.csv")
    assert report.to_dict()["summary"] == {"rows": 0, "valid": 0, "rejected": 0, "duplicate": 0}
