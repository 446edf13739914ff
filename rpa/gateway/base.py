"""What every SMS provider adapter speaks: the messages, the answers, the errors, the HTTP call."""

import http.client
import json
import socket
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from django.conf import settings


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


def request_json(
    method: str,
    url: str,
    body: dict | None = None,
    *,
    headers: dict | None = None,
    timeout: float | None = None,
):
    """One HTTP call with JSON both ways; the errors are the caller's to classify."""
    data = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
    request = urllib.request.Request(  # noqa: S310 - the URL is our own setting
        url,
        data=data,
        method=method,
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "Accept": "application/json",
            **(headers or {}),
        },
    )
    with urllib.request.urlopen(  # noqa: S310
        request, timeout=timeout or settings.SMS_GATEWAY_TIMEOUT
    ) as response:
        return json.loads(response.read() or b"{}")


def retry_after(error: urllib.error.HTTPError) -> float:
    try:
        return max(float(error.headers.get("Retry-After", "1")), 0.1)
    except ValueError:
        return 1.0


def send_request(method: str, url: str, body: dict, *, headers: dict | None = None):
    """A send call, its failures sorted into what the outbox does with them."""
    timeout = settings.SMS_GATEWAY_TIMEOUT
    try:
        return request_json(method, url, body, headers=headers, timeout=timeout)
    except urllib.error.HTTPError as error:
        if error.code == 429:
            raise RateLimited(retry_after(error)) from None
        if error.code >= 500:
            # A 5xx may come after the provider accepted the request: ask before resending.
            raise OutcomeUnknown(f"gateway answered {error.code}") from None
        raise GatewayUnavailable(f"gateway refused the request ({error.code})") from None
    except TimeoutError:
        raise OutcomeUnknown("gateway timed out", wait=timeout) from None
    except urllib.error.URLError as error:
        if isinstance(error.reason, ConnectionRefusedError | socket.gaierror):
            raise GatewayUnavailable("gateway not reachable") from None
        if isinstance(error.reason, TimeoutError | socket.timeout):
            raise OutcomeUnknown("gateway timed out", wait=timeout) from None
        raise OutcomeUnknown(f"connection lost: {type(error.reason).__name__}") from None
    except (http.client.HTTPException, ConnectionError, json.JSONDecodeError) as error:
        # The connection dropped after the request went out: the provider has finished with it.
        raise OutcomeUnknown(f"connection lost: {type(error).__name__}") from None


def ask_request(method: str, url: str, *, headers: dict | None = None):
    """A read call (look-up, results): any failure means "ask again later"."""
    try:
        return request_json(method, url, headers=headers)
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as error:
        raise GatewayUnavailable(f"lookup failed: {type(error).__name__}") from None


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

    def lookup(self, pending: list[Pending]) -> dict[str, Found]:
        """What the provider took of these messages: {client_id: Found}; absent: never taken."""
        raise NotImplementedError

    def results(self, pending: list[Pending]) -> dict[str, Found]:
        """Delivery results of accepted messages; absent or "accepted": not final yet."""
        return {}

    def pull_reports(self, after: int, limit: int = 1000) -> tuple[list[dict], int]:
        return [], after


def group_by(messages: list[Outgoing], key) -> dict[tuple, list[Outgoing]]:
    groups: dict[tuple, list[Outgoing]] = {}
    for message in messages:
        groups.setdefault(key(message), []).append(message)
    return groups


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
            return [SendResult(m.client_id, False, reason=str(error), unknown=True) for m in group]
        except RateLimited as error:
            return [
                SendResult(m.client_id, False, reason=str(error), retry_after=error.retry_after)
                for m in group
            ]
        except GatewayUnavailable as error:
            return [
                SendResult(m.client_id, False, reason=str(error), permanent=False) for m in group
            ]

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
