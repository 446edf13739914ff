"""HTTP adapter for the SMS gateway (setting SMS_GATEWAY_URL).

The protocol, as the commercial Korean bulk APIs have it:
- `POST /v1/messages` `{"messages": [{"client_id", "to", "from", "text", "type"}]}` (≤ 1,000)
  → 200 `{"results": [{"client_id", "status": "accepted"|"rejected", "message_id", "code",
  "reason", "permanent"}]}`; 429 with `Retry-After` when sending too fast.
- `GET /v1/messages?client_id=a,b,…` → `{"messages": [{"client_id", "status", "message_id"}]}`:
  the gateway's own word on what it accepted; an id it does not list was never accepted.
- `GET /v1/reports?after=N` → `{"reports": [{"seq", "client_id", "status", "reason"}], "next": N}`:
  delivery reports, read with a cursor.
"""

import http.client
import json
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings

MAX_BATCH = 1000
LOOKUP_CHUNK = 400


class GatewayUnavailable(Exception):
    """The request certainly did not reach the gateway (refused connection, 5xx before reading)."""


class OutcomeUnknown(Exception):
    """The request may have been processed: a timeout, a dropped connection, a 5xx.

    `wait` is how long to wait before asking the gateway what it did: after a timeout the
    gateway may still be working on the request.
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
class SendResult:
    client_id: str
    accepted: bool
    message_id: str = ""
    code: str = ""
    reason: str = ""
    permanent: bool = True


def _url(path: str, query: dict | None = None) -> str:
    url = f"{settings.SMS_GATEWAY_URL}{path}"
    return f"{url}?{urlencode(query)}" if query else url


def _request(method: str, url: str, body: dict | None = None, timeout: float | None = None):
    data = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
    request = urllib.request.Request(  # noqa: S310 - the URL is our own setting
        url,
        data=data,
        method=method,
        headers={"Content-Type": "application/json", "Accept": "application/json"},
    )
    with urllib.request.urlopen(  # noqa: S310
        request, timeout=timeout or settings.SMS_GATEWAY_TIMEOUT
    ) as response:
        return json.loads(response.read() or b"{}")


def _retry_after(error: urllib.error.HTTPError) -> float:
    try:
        return max(float(error.headers.get("Retry-After", "1")), 0.1)
    except ValueError:
        return 1.0


def send_batch(messages: list[dict]) -> list[SendResult]:
    """Send up to 1,000 messages; raises RateLimited, GatewayUnavailable or OutcomeUnknown."""
    if len(messages) > MAX_BATCH:
        raise ValueError("at most 1,000 messages a request")
    timeout = settings.SMS_GATEWAY_TIMEOUT
    try:
        payload = _request("POST", _url("/v1/messages"), {"messages": messages}, timeout)
    except urllib.error.HTTPError as error:
        if error.code == 429:
            raise RateLimited(_retry_after(error)) from None
        if error.code >= 500:
            # A 5xx may come after the gateway accepted part of the batch: ask before resending.
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
        # The connection dropped after the request went out: the gateway has finished with it.
        raise OutcomeUnknown(f"connection lost: {type(error).__name__}") from None
    results = []
    for item in payload.get("results", []):
        results.append(
            SendResult(
                client_id=str(item.get("client_id", "")),
                accepted=item.get("status") == "accepted",
                message_id=str(item.get("message_id") or ""),
                code=str(item.get("code") or ""),
                reason=str(item.get("reason") or item.get("code") or ""),
                permanent=bool(item.get("permanent", True)),
            )
        )
    return results


def lookup(client_ids: list[str]) -> dict[str, dict]:
    """What the gateway accepted of these client ids: {client_id: {"status", "message_id"}}.

    Raises GatewayUnavailable when it cannot be asked; the caller then asks again later.
    """
    found: dict[str, dict] = {}
    for start in range(0, len(client_ids), LOOKUP_CHUNK):
        chunk = client_ids[start : start + LOOKUP_CHUNK]
        try:
            payload = _request("GET", _url("/v1/messages", {"client_id": ",".join(chunk)}))
        except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as error:
            raise GatewayUnavailable(f"lookup failed: {type(error).__name__}") from None
        for item in payload.get("messages", []):
            found[str(item["client_id"])] = item
    return found


def pull_reports(after: int, limit: int = 1000) -> tuple[list[dict], int]:
    """Delivery reports after the cursor, and the new cursor."""
    try:
        payload = _request("GET", _url("/v1/reports", {"after": after, "limit": limit}))
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as error:
        raise GatewayUnavailable(f"reports failed: {type(error).__name__}") from None
    return payload.get("reports", []), int(payload.get("next", after))
