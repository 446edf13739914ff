"""What every SMS provider adapter speaks: the messages, the answers, the errors, the batches."""

import datetime
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from django.utils import timezone


class GatewayUnavailable(Exception):
    """The request certainly did not reach the provider (refused connection, 4xx before work)."""


class OutcomeUnknown(Exception):
    """The request may have been processed: a timeout, a dropped connection, a 5xx.

    `wait` is how long to wait before asking the provider what it did: after a timeout it
    may still be working on the request.
    """

    def __init__(self, message: str, wait: float = 0.0):
        super().__init__(message)
        self.wait = wait


class RateLimited(Exception):
    """429: nothing of the request was accepted; try again after `retry_after` seconds."""

    def __init__(self, retry_after: float):
        super().__init__(f"rate limited for {retry_after} s")
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One text as the outbox hands it to an adapter."""

    client_id: str
    to: str
    sender: str
    text: str
    channel: str  # "sms" or "lms"
    alimtalk_template: str = ""


@dataclass(frozen=True, slots=True)
class SendResult:
    client_id: str
    accepted: bool
    message_id: str = ""
    code: str = ""
    reason: str = ""
    permanent: bool = True
    # The request that carried it may have been taken, its answer was lost: ask, never resend.
    unknown: bool = False
    request_id: str = ""
    # Its request got 429: nothing of it was taken; try again after this many seconds.
    retry_after: float | None = None
    # "alimtalk" when it went as KakaoTalk 알림톡 (with SMS/LMS failover), else empty.
    via: str = ""


@dataclass(frozen=True, slots=True)
class Pending:
    """A message the outbox asks about: what it knows of it."""

    client_id: str
    to: str
    sender: str
    batch_key: str = ""
    request_id: str = ""
    message_id: str = ""
    since: object = None  # datetime of the claim: where a time-window search starts
    via: str = ""  # "alimtalk" when it was accepted as KakaoTalk 알림톡


# A result's `via` when the provider sent the failover text: the message's own SMS or LMS.
FAILOVER = "failover"


@dataclass(frozen=True, slots=True)
class Found:
    """The provider's word on one message: accepted (and how far it got)."""

    client_id: str
    message_id: str = ""
    request_id: str = ""
    # "accepted" (taken, no result yet), "delivered" or "failed"
    status: str = "accepted"
    reason: str = ""
    via: str = ""
    extra: dict = field(default_factory=dict)


class Provider:
    """An SMS provider as the outbox uses it; one subclass per protocol."""

    name = ""
    # Messages in one send request, as the provider's reference allows.
    max_batch = 1000
    # Whether a send whose answer was lost can be found by a key of ours (else: uncertain).
    finds_lost_sends = True
    # Whether delivery results come as a report stream with a cursor (else: asked per message).
    reports_by_cursor = False
    # Where a cursor-read report stream lives: each stream keeps its own position.
    report_stream = ""

    def send_batch(self, messages: list[Outgoing], *, batch_key: str) -> list[SendResult]:
        raise NotImplementedError

    def lookup(
        self, pending: list[Pending], *, now: datetime.datetime | None = None
    ) -> dict[str, Found]:
        """What the provider took of these messages: {client_id: Found}; absent: never taken.

        `now` ends the time window a provider is searched in (the clock's by default).
        """
        raise NotImplementedError

    def results(
        self, pending: list[Pending], *, now: datetime.datetime | None = None
    ) -> dict[str, Found]:
        """Delivery results of accepted messages; absent or "accepted": not final yet."""
        return {}

    def pull_reports(self, after: int, limit: int = 1000) -> tuple[list[dict], int]:
        return [], after


def group_by(messages: list[Outgoing], key) -> dict[tuple, list[Outgoing]]:
    groups: dict[tuple, list[Outgoing]] = {}
    for message in messages:
        groups.setdefault(key(message), []).append(message)
    return groups


def failed_each(group: list[Outgoing], **why) -> list[SendResult]:
    """One request's failure as the result of each message it carried."""
    return [SendResult(m.client_id, False, **why) for m in group]


def send_groups(groups: list[list[Outgoing]], send_one, *, parallel: int = 1) -> list[SendResult]:
    """Send one request per group; a failed request becomes per-message results.

    A provider's request holds one sender and one kind (SENS) or one text (NHN Cloud), so a
    batch may need several requests that succeed or fail apart. With one request, its error is
    raised as it is (the outbox then handles 429, unreachable and lost answers for the batch).
    """
    if len(groups) == 1:
        return send_one(groups[0])

    def attempt(group: list[Outgoing]) -> list[SendResult]:
        try:
            return send_one(group)
        except OutcomeUnknown as error:
            return failed_each(group, reason=str(error), unknown=True)
        except RateLimited as error:
            return failed_each(group, reason=str(error), retry_after=error.retry_after)
        except GatewayUnavailable as error:
            return failed_each(group, reason=str(error), permanent=False)

    if parallel <= 1:
        return [result for group in groups for result in attempt(group)]
    with ThreadPoolExecutor(max_workers=min(parallel, len(groups))) as pool:
        return [result for chunk in pool.map(attempt, groups) for result in chunk]


def euckr_cut(text: str, limit: int) -> str:
    """The longest start of `text` within `limit` EUC-KR bytes (an LMS subject, 40 bytes)."""
    first_line = text.strip().splitlines()[0] if text.strip() else ""
    out = ""
    for char in first_line:
        if len((out + char).encode("euc-kr", errors="replace")) > limit:
            break
        out += char
    return out


# How the providers write a moment: Korean local time (the portal's TIME_ZONE), to the second
# in most fields, to the minute in NHN Cloud 알림톡's search window.
SECONDS = "%Y-%m-%d %H:%M:%S"
MINUTES = "%Y-%m-%d %H:%M"


def local_text(moment: datetime.datetime, pattern: str = SECONDS) -> str:
    return timezone.localtime(moment).strftime(pattern)
