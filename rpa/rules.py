"""Pure rules of messaging: placeholders, EUC-KR byte counting, SMS/LMS, cells, retry delays."""

import datetime
import string

from django.utils.translation import gettext as _

PLACEHOLDERS = ("name", "test_date", "quarantine_start", "quarantine_end", "link")

# Korean carriers bill and cut by EUC-KR bytes: 90 bytes go as SMS, up to 2,000 as LMS.
SMS_MAX_BYTES = 90
LMS_MAX_BYTES = 2000
SMS = "sms"
LMS = "lms"

# What a preview fills in when there is no resident yet: realistic lengths, no real data.
SAMPLE_CONTEXT = {
    "name": "홍길동",
    "test_date": "2021-08-02",
    "quarantine_start": "2021-08-02",
    "quarantine_end": "2021-08-16",
    "link": "https://example.go.kr/s/1234.20210816:abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG/",
}

_formatter = string.Formatter()


def template_problem(text: str) -> str | None:
    """One sentence saying why a template cannot be used, or None when it can."""
    if not text.strip():
        return _("The message text is empty.")
    try:
        parsed = list(_formatter.parse(text))
    except ValueError:
        return _("A brace is not closed: write placeholders as {name}, and a literal brace as {{.")
    for _lit, field, spec, conversion in parsed:
        if field is None:
            continue
        if field not in PLACEHOLDERS or spec or conversion:
            return _("Unknown placeholder %(placeholder)s: use only %(allowed)s.") % {
                "placeholder": "{" + field + "}",
                "allowed": ", ".join("{" + p + "}" for p in PLACEHOLDERS),
            }
    length = euckr_length(render(text, SAMPLE_CONTEXT))
    if length > LMS_MAX_BYTES:
        return _("The message is %(length)s bytes long; at most %(max)s bytes can be sent.") % {
            "length": length,
            "max": LMS_MAX_BYTES,
        }
    return None


def render(text: str, context: dict[str, str]) -> str:
    """Fill a template's placeholders; missing values become empty text."""
    values = {name: context.get(name) or "" for name in PLACEHOLDERS}
    return text.format_map(values)


def euckr_length(text: str) -> int:
    """Bytes the text takes in EUC-KR; a character it cannot encode counts as two, as carriers do.

    Counted with CP949, the EUC-KR superset carriers use: every Hangul syllable is two bytes
    (Python's strict euc-kr spells syllables outside KS X 1001, such as 똠, as eight).
    """
    try:
        return len(text.encode("cp949"))
    except UnicodeEncodeError:
        total = 0
        for char in text:
            try:
                total += len(char.encode("cp949"))
            except UnicodeEncodeError:
                total += 2
        return total


def channel_for(byte_length: int) -> str | None:
    """SMS up to 90 bytes, LMS up to 2,000, None when too long to send."""
    if byte_length <= SMS_MAX_BYTES:
        return SMS
    if byte_length <= LMS_MAX_BYTES:
        return LMS
    return None


def format_date(value: datetime.date | None) -> str:
    return value.isoformat() if value else ""


def person_key(
    *,
    name: str,
    phone: str,
    kind: str,
    test_date: datetime.date | None,
    start: datetime.date | None,
) -> str:
    """Same person, phone, date and kind: the second text of the day would be a double."""
    compact = "".join(name.split())
    when = test_date or start
    return f"{compact}|{phone}|{format_date(when)}|{kind}"


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula is exported as plain text."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def retry_delay(attempts: int, base: int) -> int:
    """Seconds before the next try after a temporary failure: doubling, capped at ten minutes."""
    return min(base * 2 ** max(attempts - 1, 0), 600)


def resident_key(*, name: str, phone: str) -> str:
    """One resident across days and sheets: the same name and phone, whatever they were sent."""
    return person_key(name=name, phone=phone, kind="", test_date=None, start=None)
