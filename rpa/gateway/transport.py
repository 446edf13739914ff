"""How an adapter talks to its provider: JSON over HTTP, each failure sorted into what the outbox
does with it (429: wait; certainly not taken: try again; maybe taken: ask, never resend)."""

import http.client
import json
import socket
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from urllib.parse import urlencode

from django.conf import settings

from .base import GatewayUnavailable, OutcomeUnknown, RateLimited


def with_query(url: str, query: dict | None = None) -> str:
    return f"{url}?{urlencode(query)}" if query else url


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


def call(method: str, url: str, body: dict | None = None, *, headers: dict | None = None):
    """A send when it carries a body (its failures sorted), else a read (any failure: ask later)."""
    if body is not None:
        return send_request(method, url, body, headers=headers)
    return ask_request(method, url, headers=headers)


def paged(read_page: Callable[[int], list], *, size: int, first: int = 1) -> Iterator:
    """Every item of a listing read a page at a time; a page shorter than `size` is the last."""
    page = first
    while True:
        items = read_page(page)
        yield from items
        if len(items) < size:
            return
        page += 1
