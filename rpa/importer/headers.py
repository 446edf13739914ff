"""Finding the header row and mapping its columns to case fields."""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext_lazy as _

NAME = "name"
PHONE = "phone"
BIRTH_DATE = "birth_date"
TEST_DATE = "test_date"
RESULT = "result"
CATEGORY = "category"
QUARANTINE_START = "quarantine_start"
QUARANTINE_END = "quarantine_end"
FIELDS = (NAME, PHONE, BIRTH_DATE, TEST_DATE, RESULT, CATEGORY, QUARANTINE_START, QUARANTINE_END)
REQUIRED_FIELDS = (NAME, PHONE)
# What the health team calls each field, for messages and the preview.
FIELD_LABELS = {
    NAME: _("Name"),
    PHONE: _("Mobile phone"),
    BIRTH_DATE: _("Birth date"),
    TEST_DATE: _("Test date"),
    RESULT: _("Result"),
    CATEGORY: _("Category"),
    QUARANTINE_START: _("Quarantine start"),
    QUARANTINE_END: _("Quarantine end"),
}
# Columns that only number the rows: neither a field nor a note.
SERIAL = "_serial"

# How many rows from the top of a sheet may stand above the header (titles, blank rows).
HEADER_SCAN_ROWS = 30

# Header texts, compared after normalize_header(): spaces, dots, slashes, underscores and
# hyphens removed, case folded. Add aliases here (in that normalized form).
ALIASES: dict[str, tuple[str, ...]] = {
    NAME: (
        "성명",
        "이름",
        "수신자",
        "수신자명",
        "수신자성명",
        "대상자명",
        "대상자성명",
        "성함",
        "피검자",
        "피검자명",
        "피검사자",
        "검사자명",
        "환자명",
        "name",
        "fullname",
        "personname",
        "recipient",
        "recipientname",
    ),
    PHONE: (
        "휴대전화",
        "휴대폰",
        "핸드폰",
        "연락처",
        "전화번호",
        "휴대폰번호",
        "휴대전화번호",
        "핸드폰번호",
        "휴대번호",
        "휴대연락처",
        "전화",
        "연락처휴대폰",
        "수신번호",
        "수신자번호",
        "수신자연락처",
        "수신자전화번호",
        "본인연락처",
        "hp",
        "phone",
        "phoneno",
        "phonenumber",
        "mobile",
        "mobileno",
        "mobilephone",
        "mobilenumber",
        "cellphone",
        "cell",
        "tel",
        "telephone",
        "contact",
    ),
    BIRTH_DATE: (
        "생년월일",
        "생년월일6자리",
        "주민번호앞자리",
        "주민등록번호앞자리",
        "생일",
        "birthdate",
        "dateofbirth",
        "dob",
        "birthday",
    ),
    TEST_DATE: (
        "검사일",
        "검사일자",
        "채취일",
        "채취일자",
        "검체채취일",
        "검체채취일자",
        "검사날짜",
        "검사시행일",
        "testdate",
        "dateoftest",
        "sampledate",
        "collectiondate",
        "specimendate",
    ),
    RESULT: ("검사결과", "결과", "판정", "판정결과", "검사판정", "result", "testresult", "outcome"),
    CATEGORY: ("구분", "관리구분", "분류", "대상구분", "category", "type"),
    QUARANTINE_START: (
        "격리시작일",
        "격리시작",
        "격리시작일자",
        "격리개시일",
        "격리일",
        "quarantinestart",
        "quarantinestartdate",
        "quarantinefrom",
    ),
    QUARANTINE_END: (
        "격리해제일",
        "격리해제예정일",
        "격리해제",
        "격리종료",
        "격리종료일",
        "격리종료예정일",
        "해제예정일",
        "해제일",
        "quarantineend",
        "quarantineenddate",
        "quarantineuntil",
        "quarantineto",
    ),
    SERIAL: ("연번", "번호", "순번", "no", "#", "seq"),
}
_ALIAS_TO_FIELD = {alias: field for field, names in ALIASES.items() for alias in names}
_IGNORED_CHARS = re.compile(r"[\s._/\-:*※]+")
_TRAILING_NOTE = re.compile(r"\([^)]*\)$|\[[^\]]*\]$")


def normalize_header(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    return _IGNORED_CHARS.sub("", text).casefold()


def field_for_header(text) -> str | None:
    """The field a header cell names, or None for an unknown column."""
    if not isinstance(text, str) or not text.strip():
        return None
    key = normalize_header(text)
    found = _ALIAS_TO_FIELD.get(key)
    if found is None:
        # "휴대폰번호(필수)", "성명 [한글]": a note in brackets after a known name.
        stripped = _TRAILING_NOTE.sub("", key)
        if stripped != key:
            found = _ALIAS_TO_FIELD.get(stripped)
    return found


def map_header(cells) -> dict[str, int] | None:
    """Field -> column index when the row names at least a name and a phone column."""
    mapping: dict[str, int] = {}
    for index, cell in enumerate(cells):
        field = field_for_header(cell)
        if field is not None and field not in mapping:
            mapping[field] = index
    if all(field in mapping for field in REQUIRED_FIELDS):
        return mapping
    return None


TOTAL_WORDS = frozenset(
    {"합계", "계", "총계", "소계", "총합계", "누계", "total", "subtotal", "grandtotal", "sum"}
)


def is_totals_label(text: str) -> bool:
    key = normalize_header(text)
    return key in TOTAL_WORDS


SUMMARY_SHEET_WORDS = ("요약", "집계", "통계", "합계", "현황", "summary", "total", "chart", "차트")


def looks_like_summary_sheet(name: str) -> bool:
    key = normalize_header(name)
    return any(word in key for word in SUMMARY_SHEET_WORDS)
