"""Reading single cell values: phones, dates, results, names, categories.

Each parser returns the normalized value, or raises `ValueProblem(code, message)` where the
message tells the uploader what to fix. Parsers are called once per cell of a possibly very
large sheet, so the common cases take the shortest path.
"""

from __future__ import annotations

import datetime
import math
import re
import unicodedata
from functools import lru_cache

from django.utils.translation import gettext as _

# Test results (판정) a result cell can hold.
NEGATIVE = "negative"
POSITIVE = "positive"
INCONCLUSIVE = "inconclusive"

# Categories (구분) a category cell can hold.
SELF_QUARANTINE = "self_quarantine"
ACTIVE_MONITORING = "active_monitoring"

NAME_MAX_LENGTH = 50
EXCEL_EPOCH = datetime.date(1899, 12, 30)
# Excel serial numbers for 1900-03-01 .. 2099-12-31: anything outside is not a date.
SERIAL_MIN, SERIAL_MAX = 61, 73415
MOBILE_PREFIXES = ("010", "011", "016", "017", "018", "019")


class ValueProblem(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


# ---------------------------------------------------------------- text
_SPACES = re.compile(r"\s+")


def cell_text(value) -> str:
    """A cell as the text a person sees (numbers without a trailing .0, dates as ISO)."""
    kind = type(value)
    if kind is str:
        return value.strip()
    if value is None:
        return ""
    if kind is float:
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if kind is bool:
        return "TRUE" if value else "FALSE"
    if kind is datetime.datetime:
        if value.time() == datetime.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if kind is datetime.date:
        return value.isoformat()
    return str(value).strip()


def clean_name(value) -> str:
    """Trim a name and collapse inner runs of spaces; any script is kept as it is."""
    text = cell_text(value)
    if not text:
        return ""
    if not text.isprintable():
        text = "".join(ch if ch.isprintable() else " " for ch in text)
    if "  " in text or "\u3000" in text or "\xa0" in text:
        text = _SPACES.sub(" ", text)
    return text.strip()


def parse_name(value) -> str:
    name = clean_name(value)
    if not name:
        raise ValueProblem("missing_name", _("Enter the person's name (성명)."))
    if len(name) > NAME_MAX_LENGTH:
        raise ValueProblem(
            "name_too_long",
            _("The name is %(length)d characters long; shorten it to at most %(max)d.")
            % {"length": len(name), "max": NAME_MAX_LENGTH},
        )
    return name


def name_key(name: str) -> str:
    """Names compared for duplicates: spaces are not significant, nor is letter case."""
    return "".join(name.split()).casefold()


def neutralize_formula(text: str) -> str:
    """Text safe to put in a spreadsheet cell: a leading =, +, -, @ cannot start a formula."""
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text


# ---------------------------------------------------------------- phones
_PHONE_ALLOWED = re.compile(r"[0-9\s\-.()+/]*")
_PHONE_SEPARATORS = re.compile(r"[\s\-.()+/]")
_PLAIN_MOBILE = re.compile(r"01[016789][0-9]{7,8}")


def _phone_digits_problem(count: int) -> ValueProblem:
    return ValueProblem(
        "invalid_phone",
        _(
            "The phone number has %(count)d digits; a mobile number has 11 digits "
            "(10 for old 011/016/017/018/019 numbers), like 010-1234-5678."
        )
        % {"count": count},
    )


def parse_phone(value) -> str:
    """A Korean mobile number in any common notation, as digits only: '01012345678'."""
    if type(value) is str:
        text = value.strip()
        # The common case first: 010-1234-5678 or 01012345678.
        if len(text) == 13 and text[3] == "-" and text[8] == "-":
            candidate = text[:3] + text[4:8] + text[9:]
            if candidate.isdigit() and candidate.isascii() and candidate.startswith("010"):
                return candidate
        elif len(text) == 11 and text.startswith("010") and text.isdigit() and text.isascii():
            return text
    elif type(value) is float or type(value) is int:
        if not math.isfinite(value) or value != int(value) or value < 0:
            raise ValueProblem(
                "invalid_phone",
                _("The phone number is not a whole number; enter it like 010-1234-5678."),
            )
        text = str(int(value))
    elif value is None:
        text = ""
    else:
        text = cell_text(value)

    if not text:
        raise ValueProblem("missing_phone", _("Enter the mobile phone number (휴대전화)."))
    # Full-width digits and dashes (０１０－…) become ASCII.
    text = unicodedata.normalize("NFKC", text).strip()
    text = text.replace("\u2010", "-").replace("\u2011", "-").replace("\u2012", "-")
    text = text.replace("\u2013", "-").replace("\u2014", "-").replace("\u2212", "-")
    if not any(ch.isdigit() for ch in text):
        raise ValueProblem(
            "invalid_phone",
            _('"%(value)s" is not a phone number; enter a mobile number like 010-1234-5678.')
            % {"value": text[:40]},
        )
    if not _PHONE_ALLOWED.fullmatch(text):
        raise ValueProblem(
            "invalid_phone",
            _(
                "The phone number contains letters or symbols; enter digits only, "
                "like 010-1234-5678."
            ),
        )
    international = text.startswith("+") or text.startswith("00")
    digits = _PHONE_SEPARATORS.sub("", text)
    if international and digits.startswith("00"):
        digits = digits[2:]
    if digits.startswith("82") and (international or len(digits) in (11, 12, 13)):
        rest = digits[2:]
        digits = rest if rest.startswith("0") else "0" + rest
    elif len(digits) in (9, 10) and digits.startswith("1"):
        # A numeric cell whose leading zero Excel dropped: 1012345678.
        digits = "0" + digits
    if not digits:
        raise ValueProblem("missing_phone", _("Enter the mobile phone number (휴대전화)."))
    if not digits.startswith(MOBILE_PREFIXES):
        if digits.startswith("0"):
            raise ValueProblem(
                "invalid_phone",
                _(
                    "This is not a mobile number (landlines and 070 numbers cannot receive "
                    "text messages); enter a mobile number starting with 010."
                ),
            )
        raise _phone_digits_problem(len(digits))
    if digits.startswith("010"):
        if len(digits) != 11:
            raise _phone_digits_problem(len(digits))
    elif len(digits) not in (10, 11):
        raise _phone_digits_problem(len(digits))
    if not _PLAIN_MOBILE.fullmatch(digits):
        raise _phone_digits_problem(len(digits))
    return digits


# ---------------------------------------------------------------- results
_RESULTS = {
    NEGATIVE: ("음성", "음성(-)", "(-)", "-", "negative", "neg", "neg.", "음", "음성판정"),
    POSITIVE: ("양성", "양성(+)", "(+)", "+", "positive", "pos", "pos.", "양", "양성판정", "확진"),
    INCONCLUSIVE: (
        "미결정",
        "재검",
        "재검사",
        "재검요망",
        "재검사요망",
        "판정불가",
        "inconclusive",
        "indeterminate",
        "equivocal",
    ),
}
RESULT_WORDS = {word: kind for kind, words in _RESULTS.items() for word in words}


@lru_cache(maxsize=256)
def _result_from_text(text: str) -> str | None:
    key = unicodedata.normalize("NFKC", text).replace("\u2212", "-")
    key = "".join(key.split()).casefold()
    return RESULT_WORDS.get(key)


def parse_result(value) -> str | None:
    """negative / positive / inconclusive, None for an empty cell."""
    text = cell_text(value)
    if not text:
        return None
    kind = _result_from_text(text)
    if kind is None:
        raise ValueProblem(
            "invalid_result",
            _(
                'The result "%(value)s" is not understood; write 음성 (negative), '
                "양성 (positive) or 미결정 (inconclusive)."
            )
            % {"value": text[:40]},
        )
    return kind


# ---------------------------------------------------------------- categories
_CATEGORIES = {
    "자가격리": SELF_QUARANTINE,
    "자가격리자": SELF_QUARANTINE,
    "격리": SELF_QUARANTINE,
    "격리자": SELF_QUARANTINE,
    "selfquarantine": SELF_QUARANTINE,
    "quarantine": SELF_QUARANTINE,
    "능동감시": ACTIVE_MONITORING,
    "능동감시자": ACTIVE_MONITORING,
    "activemonitoring": ACTIVE_MONITORING,
}


@lru_cache(maxsize=256)
def parse_category(text: str) -> str | None:
    key = "".join(unicodedata.normalize("NFKC", text).split()).casefold()
    key = key.replace("-", "").replace("_", "")
    return _CATEGORIES.get(key)


# ---------------------------------------------------------------- dates
_DATE_TEXT = re.compile(
    r"(?P<y>\d{4}|\d{2})\s*(?:[-./]|년)\s*(?P<m>\d{1,2})\s*(?:[-./]|월)\s*(?P<d>\d{1,2})"
    r"\s*(?:\.|일)?"
    r"(?:\s*(?:T|\s)\s*(?:(?:오전|오후|AM|PM|am|pm)\s*)?\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
    r"(?:\s*(?:AM|PM|am|pm))?(?:Z|[+-]\d{2}:?\d{2})?)?"
)
_COMPACT = re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})")
_SERIAL = re.compile(r"\d{5}(?:\.\d+)?")


def _date_problem(text: str) -> ValueProblem:
    return ValueProblem(
        "invalid_date",
        _('"%(value)s" is not a date; write it like 2021-08-02.') % {"value": text[:40]},
    )


def _make_date(year: int, month: int, day: int) -> datetime.date | None:
    if year < 100:
        year += 2000
    if not 1900 <= year <= 2099:
        return None
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _from_serial(serial: float) -> datetime.date | None:
    if SERIAL_MIN <= serial <= SERIAL_MAX:
        return EXCEL_EPOCH + datetime.timedelta(days=int(serial))
    return None


def _parse_date_text(text: str) -> datetime.date | None:
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        try:
            found = datetime.date.fromisoformat(text)
        except ValueError:
            pass
        else:
            return found if 1900 <= found.year <= 2099 else None
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).strip()
    match = _DATE_TEXT.fullmatch(text)
    if match:
        return _make_date(int(match["y"]), int(match["m"]), int(match["d"]))
    match = _COMPACT.fullmatch(text)
    if match:
        return _make_date(int(match["y"]), int(match["m"]), int(match["d"]))
    if _SERIAL.fullmatch(text):
        return _from_serial(float(text))
    return None


# Test and quarantine dates repeat down a sheet: remember the last few thousand.
_date_from_text = lru_cache(maxsize=4096)(_parse_date_text)


def parse_date(value) -> datetime.date | None:
    """A date cell, an Excel serial number, or date text; None for an empty cell."""
    kind = type(value)
    if kind is datetime.date:
        return value
    if kind is datetime.datetime:
        return value.date()
    if kind is str:
        text = value.strip()
        if not text:
            return None
        found = _date_from_text(text)
        if found is None:
            raise _date_problem(text)
        return found
    if kind is float or kind is int:
        found = None
        if not math.isfinite(value):
            raise _date_problem(cell_text(value))
        if value == int(value) and 19000101 <= value <= 20991231:
            found = _date_from_text(str(int(value)))
        else:
            found = _from_serial(value)
        if found is None:
            raise _date_problem(cell_text(value))
        return found
    if value is None:
        return None
    raise _date_problem(cell_text(value))


_BIRTH_SHORT = re.compile(r"(?P<yy>\d{2})(?P<m>\d{2})(?P<d>\d{2})(?:\s*-\s*(?P<g>\d)\D*)?")
_CENTURY_BY_GENDER_DIGIT = {"1": 1900, "2": 1900, "5": 1900, "6": 1900, "9": 1800, "0": 1800}


def parse_birth_date(value, today: datetime.date | None = None) -> datetime.date | None:
    """Birth dates: a date, or YYMMDD (optionally followed by the registration number's
    gender digit, which gives the century). Unreadable birth dates are not an error: the
    field is optional and no message depends on it."""
    if type(value) is str:
        text = value.strip()
        if len(text) == 10 and text[4] == "-":
            return _parse_date_text(text)
    else:
        text = cell_text(value)
    if not text and not isinstance(value, datetime.date):
        return None
    if type(value) is float and value.is_integer() and value < 1000000:
        text = f"{int(value):06d}"
    match = _BIRTH_SHORT.fullmatch(text)
    if match:
        year = int(match["yy"])
        if match["g"]:
            year += _CENTURY_BY_GENDER_DIGIT.get(match["g"], 2000)
        else:
            today = today or datetime.date.today()
            year += 2000 if year <= today.year % 100 else 1900
        try:
            return datetime.date(year, int(match["m"]), int(match["d"]))
        except ValueError:
            return None
    if type(value) is str:
        return _parse_date_text(text)
    try:
        return parse_date(value)
    except ValueProblem:
        return None
