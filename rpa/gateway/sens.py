"""Adapter for NAVER Cloud Platform SENS, SMS API v2 (SMS_PROVIDER=sens).

From the reference (api.ncloud-docs.com/docs/sens-overview, sens-sms-send, sens-sms-list,
sens-sms-get; the public-sector region is api-gov.ncloud-docs.com, host
sens.apigw.gov-ntruss.com):
- every call carries `x-ncp-apigw-timestamp` (ms since the epoch, within 5 minutes of the
  gateway's clock), `x-ncp-iam-access-key` and `x-ncp-apigw-signature-v2`: base64 of
  HMAC-SHA256, keyed with the secret key, of "METHOD URI\\nTIMESTAMP\\nACCESSKEY" (URI with its
  query string);
- `POST /sms/v2/services/{serviceId}/messages` `{"type": "SMS"|"LMS", "contentType": "COMM",
  "countryCode": "82", "from", "subject", "content", "messages": [{"to", "content",
  "subject"}]}`, at most 100 messages, one sender (a pre-registered number) and one type a
  request; SMS content at most 90 EUC-KR bytes, LMS 2,000 with a subject of 40
  → 202 `{"requestId", "requestTime", "statusCode": "202", "statusName": "success"}`;
- `GET /sms/v2/services/{serviceId}/messages?requestId=…` → `{"requestId", "statusCode",
  "statusName", "messages": [{"messageId", "requestTime", "contentType", "countryCode",
  "from", "to"}]}`; or by a time window (`requestStartTime`, `requestEndTime`, with
  `pageIndex`/`pageSize`) when the request id is unknown;
- `GET /sms/v2/services/{serviceId}/messages/{messageId}` → `{"statusCode", "statusName",
  "messages": [{"requestId", "messageId", "from", "to", "status": "READY"|"PROCESSING"|
  "COMPLETED", "statusCode", "statusName": "success"|"fail", "statusMessage", …}]}`.

SENS names the request only in its answer, and a send carries no key of ours: a batch whose
answer was lost cannot be found by key. The outbox marks it uncertain for a person to decide.
"""

import base64
import datetime
import hashlib
import hmac
import time
from urllib.parse import quote, urlencode

from django.conf import settings
from django.utils import timezone

from .base import (
    Found,
    Outgoing,
    Pending,
    Provider,
    SendResult,
    ask_request,
    euckr_cut,
    group_by,
    send_groups,
    send_request,
)

SUBJECT_BYTES = 40
PAGE_SIZE = 100


def signature(method: str, uri: str, timestamp: str, access_key: str, secret_key: str) -> str:
    message = f"{method} {uri}\n{timestamp}\n{access_key}".encode()
    digest = hmac.new(secret_key.encode(), message, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def signed_headers(method: str, uri: str) -> dict:
    timestamp = str(int(time.time() * 1000))
    access_key = settings.SENS_ACCESS_KEY
    return {
        "x-ncp-apigw-timestamp": timestamp,
        "x-ncp-iam-access-key": access_key,
        "x-ncp-apigw-signature-v2": signature(
            method, uri, timestamp, access_key, settings.SENS_SECRET_KEY
        ),
    }


def _uri(path: str = "", query: dict | None = None) -> str:
    service = quote(settings.SENS_SERVICE_ID, safe=":")
    uri = f"/sms/v2/services/{service}/messages{path}"
    return f"{uri}?{urlencode(query)}" if query else uri


def _call(method: str, uri: str, body: dict | None = None):
    url = f"{settings.SENS_API_URL}{uri}"
    headers = signed_headers(method, uri)
    if body is not None:
        return send_request(method, url, body, headers=headers)
    return ask_request(method, url, headers=headers)


def _window(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")


class SensProvider(Provider):
    name = "sens"
    max_batch = 100
    finds_lost_sends = False

    def send_batch(self, messages: list[Outgoing], *, batch_key: str) -> list[SendResult]:
        groups = group_by(messages, lambda m: (m.sender, m.channel))
        return send_groups(list(groups.values()), self._send_one)

    def _send_one(self, group: list[Outgoing]) -> list[SendResult]:
        kind = group[0].channel.upper()
        body = {
            "type": kind,
            "contentType": "COMM",
            "countryCode": "82",
            "from": group[0].sender,
            "content": group[0].text,
            "messages": [{"to": m.to, "content": m.text} for m in group],
        }
        if kind == "LMS":
            body["subject"] = euckr_cut(group[0].text, SUBJECT_BYTES)
            for item, message in zip(body["messages"], group, strict=True):
                item["subject"] = euckr_cut(message.text, SUBJECT_BYTES)
        answer = _call("POST", _uri(), body)
        request_id = str(answer.get("requestId") or "")
        if str(answer.get("statusCode")) != "202" or not request_id:
            reason = str(answer.get("statusName") or "refused")
            return [SendResult(m.client_id, False, reason=reason, permanent=False) for m in group]
        # SENS takes the request whole; the message ids come with the look-up by request id.
        return [
            SendResult(m.client_id, True, request_id=request_id, reason="", code="202")
            for m in group
        ]

    def lookup(self, pending: list[Pending]) -> dict[str, Found]:
        """Find messages sent without a known request id: same phone and sender, same time.

        The outbox texts a resident once a kind and day, and the window starts when the batch
        was claimed, so a match is that text; a phone not listed was not texted in the window.
        """
        found: dict[str, Found] = {}
        if not pending:
            return found
        start = min(p.since for p in pending) - datetime.timedelta(minutes=1)
        wanted = {(p.to, p.sender): p.client_id for p in pending}
        end = timezone.now() + datetime.timedelta(minutes=1)
        page = 0
        while True:
            answer = _call(
                "GET",
                _uri(
                    query={
                        "requestStartTime": _window(start),
                        "requestEndTime": _window(end),
                        "pageIndex": page,
                        "pageSize": PAGE_SIZE,
                    }
                ),
            )
            items = answer.get("messages") or []
            for item in items:
                client_id = wanted.pop((str(item.get("to")), str(item.get("from"))), None)
                if client_id is not None:
                    found[client_id] = Found(
                        client_id,
                        message_id=str(item.get("messageId") or ""),
                        request_id=str(item.get("requestId") or ""),
                    )
            if len(items) < PAGE_SIZE or not wanted:
                return found
            page += 1

    def results(self, pending: list[Pending]) -> dict[str, Found]:
        found: dict[str, Found] = {}
        by_request: dict[str, list[Pending]] = {}
        for p in pending:
            by_request.setdefault(p.request_id, []).append(p)
        for request_id, group in by_request.items():
            if not request_id:
                continue
            listed = _call("GET", _uri(query={"requestId": request_id}))
            ids = {}
            for item in listed.get("messages") or []:
                ids.setdefault(str(item.get("to")), str(item.get("messageId") or ""))
            for p in group:
                message_id = p.message_id or ids.get(p.to, "")
                if not message_id:
                    continue
                answer = _call("GET", _uri(f"/{quote(message_id)}"))
                for item in answer.get("messages") or []:
                    if item.get("status") != "COMPLETED":
                        found[p.client_id] = Found(p.client_id, message_id, request_id)
                        continue
                    delivered = item.get("statusName") == "success"
                    found[p.client_id] = Found(
                        p.client_id,
                        message_id,
                        request_id,
                        status="delivered" if delivered else "failed",
                        reason=str(item.get("statusMessage") or item.get("statusCode") or ""),
                        via=str(item.get("type") or "").lower(),
                    )
        return found
