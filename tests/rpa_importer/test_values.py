"""Single values: phones in every notation, dates in every format, results in every spelling."""

import datetime

import pytest

from rpa.importer.headers import field_for_header
from rpa.importer.values import (
    ValueProblem,
    neutralize_formula,
    parse_birth_date,
    parse_date,
    parse_name,
    parse_phone,
    parse_result,
)

AUG2 = datetime.date(2021, 8, 2)


@pytest.mark.parametrize(
    "value, expected",
    [
        ("010-1234-5678", "01012345678"),
        ("01012345678", "01012345678"),
        ("010 1234 5678", "01012345678"),
        ("010.1234.5678", "01012345678"),
        ("(010) 1234-5678", "01012345678"),
        ("010/1234/5678", "01012345678"),
        (" 010-1234-5678 ", "01012345678"),
        ("+82 10-1234-5678", "01012345678"),
        ("+82-10-1234-5678", "01012345678"),
        ("+821012345678", "01012345678"),
        ("82-10-1234-5678", "01012345678"),
        ("821012345678", "01012345678"),
        ("+82 (0)10 1234 5678", "01012345678"),
        ("0082-10-1234-5678", "01012345678"),
        ("０１０－１２３４－５６７８", "01012345678"),
        ("010\u20131234\u20135678", "01012345678"),
        (1012345678, "01012345678"),
        (1012345678.0, "01012345678"),
        ("1012345678", "01012345678"),
        ("011-234-5678", "0112345678"),
        ("016-1234-5678", "01612345678"),
        ("017-234-5678", "0172345678"),
        ("018-1234-5678", "01812345678"),
        ("019-234-5678", "0192345678"),
        (112345678.0, "0112345678"),
    ],
)
def test_mobile_numbers_in_any_notation_are_normalized_to_digits(value, expected):
    assert parse_phone(value) == expected


@pytest.mark.parametrize(
    "value, code",
    [
        ("02-123-4567", "invalid_phone"),
        ("042-611-2114", "invalid_phone"),
        ("070-1234-5678", "invalid_phone"),
        ("1588-1234", "invalid_phone"),
        ("010-1234-567", "invalid_phone"),
        ("010-1234-56789", "invalid_phone"),
        ("011-12-3456", "invalid_phone"),
        ("012-1234-5678", "invalid_phone"),
        ("010-12ab-5678", "invalid_phone"),
        ("없음", "invalid_phone"),
        ("+1 212 555 0100", "invalid_phone"),
        (1012345678.5, "invalid_phone"),
        ("", "missing_phone"),
        ("   ", "missing_phone"),
        (None, "missing_phone"),
    ],
)
def test_landlines_wrong_lengths_letters_and_nothing_are_rejected(value, code):
    with pytest.raises(ValueProblem) as problem:
        parse_phone(value)
    assert problem.value.code == code
    assert problem.value.message


@pytest.mark.parametrize(
    "value",
    [
        "2021-08-02",
        "2021.08.02",
        "2021. 8. 2.",
        "2021.8.2",
        "2021/08/02",
        "20210802",
        "21.08.02",
        "21-08-02",
        "2021년 8월 2일",
        "2021-08-02 10:30:00",
        "2021-08-02T10:30",
        "2021-08-02 오전 9:05",
        "２０２１－０８－０２",
        "44410",
        44410,
        44410.0,
        44410.75,
        20210802.0,
        datetime.date(2021, 8, 2),
        datetime.datetime(2021, 8, 2, 9, 30),
    ],
)
def test_dates_in_every_listed_format(value):
    assert parse_date(value) == AUG2


@pytest.mark.parametrize(
    "value", ["어제", "2021-13-01", "2021-02-30", "abc", "8/2", 1.5, 10**9, "2021-08"]
)
def test_unreadable_dates_are_problems(value):
    with pytest.raises(ValueProblem) as problem:
        parse_date(value)
    assert problem.value.code == "invalid_date"


def test_blank_dates_are_none():
    assert parse_date("") is None
    assert parse_date(None) is None


@pytest.mark.parametrize(
    "value, expected",
    [
        ("800101", datetime.date(1980, 1, 1)),
        ("050312", datetime.date(2005, 3, 12)),
        ("800101-1", datetime.date(1980, 1, 1)),
        ("050312-3******", datetime.date(2005, 3, 12)),
        ("1980-01-01", datetime.date(1980, 1, 1)),
        (datetime.date(1980, 1, 1), datetime.date(1980, 1, 1)),
        (800101.0, datetime.date(1980, 1, 1)),
        ("모름", None),
    ],
)
def test_birth_dates(value, expected):
    assert parse_birth_date(value, today=datetime.date(2021, 8, 2)) == expected


@pytest.mark.parametrize(
    "spellings, expected",
    [
        (
            ["음성", "음 성", "음성(-)", "(-)", "Negative", "NEG", "negative", " neg ", "음성 (-)"],
            "negative",
        ),
        (
            ["양성", "양 성", "양성(+)", "(+)", "Positive", "POS", "positive", "POSITIVE"],
            "positive",
        ),
        (["미결정", "재검", "재검사", "Inconclusive", "INCONCLUSIVE", "미 결 정"], "inconclusive"),
    ],
)
def test_results_in_every_spelling(spellings, expected):
    for spelling in spellings:
        assert parse_result(spelling) == expected, spelling


def test_other_result_words_are_rejected_and_blank_is_none():
    for word in ("모름", "검사중", "unknown", "?"):
        with pytest.raises(ValueProblem) as problem:
            parse_result(word)
        assert problem.value.code == "invalid_result"
    assert parse_result("") is None


def test_names_are_trimmed_any_script_and_at_most_50_characters():
    assert parse_name("  홍길동 ") == "홍길동"
    assert parse_name("NGUYEN  Van   An") == "NGUYEN Van An"
    assert parse_name("Олег Петров") == "Олег Петров"
    assert (
        parse_name('=HYPERLINK("http://evil.example","x")')
        == '=HYPERLINK("http://evil.example","x")'
    )
    assert parse_name("가" * 50) == "가" * 50
    with pytest.raises(ValueProblem) as problem:
        parse_name("가" * 51)
    assert problem.value.code == "name_too_long"
    with pytest.raises(ValueProblem) as problem:
        parse_name("  ")
    assert problem.value.code == "missing_name"


def test_formula_text_is_neutralized_for_export_only():
    assert neutralize_formula("=1+1") == "'=1+1"
    assert neutralize_formula("+82") == "'+82"
    assert neutralize_formula("-1") == "'-1"
    assert neutralize_formula("@SUM(A1)") == "'@SUM(A1)"
    assert neutralize_formula("홍길동") == "홍길동"


@pytest.mark.parametrize(
    "header, field",
    [
        ("성명", "name"),
        ("성 명", "name"),
        ("이름", "name"),
        ("수신자", "name"),
        ("Name", "name"),
        ("휴대전화", "phone"),
        ("휴대전화 번호", "phone"),
        ("휴대전화번호", "phone"),
        ("핸드폰", "phone"),
        ("연락처", "phone"),
        ("H.P", "phone"),
        ("H/P", "phone"),
        ("Phone", "phone"),
        ("Mobile", "phone"),
        ("휴대폰번호(필수)", "phone"),
        ("생년월일(6자리)", "birth_date"),
        ("주민번호 앞자리", "birth_date"),
        ("검사일자", "test_date"),
        ("검체채취일", "test_date"),
        ("Test date", "test_date"),
        ("결과", "result"),
        ("Result", "result"),
        ("관리 구분", "category"),
        ("격리 시작일", "quarantine_start"),
        ("격리 해제 예정일", "quarantine_end"),
        ("격리종료", "quarantine_end"),
        ("주소", None),
        ("", None),
        (None, None),
        (3.0, None),
    ],
)
def test_header_aliases_ignore_spaces_and_case(header, field):
    assert field_for_header(header) == field
