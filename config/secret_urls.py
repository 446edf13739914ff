"""Addresses that carry a secret, a resident's self-check link (/s/<token>/) and a person's
calendar feed (/worktime/calendar/<token>.ics): whoever holds one can answer the self-check or
read the calendar, so no log line and no shared cache may keep it."""

import logging
import re

# The segment after either prefix is the secret. Searched anywhere in a line, so whole links
# (https://host/s/…) and Referer headers are caught as well as bare paths.
SECRET_SEGMENT = re.compile(r"(/s/|/worktime/calendar/)[^/\s?#\"']+")


def redact(text: str) -> str:
    return SECRET_SEGMENT.sub(r"\1[redacted]", text)


def carries_secret(path: str) -> bool:
    return SECRET_SEGMENT.match(path) is not None


class RedactSecretURLs(logging.Filter):
    """Rewrites a record's message (and its traceback) without the secrets, before any handler
    formats it: Django's request log, gunicorn's access and error logs."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True  # a malformed call; logging reports it as it always does
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
