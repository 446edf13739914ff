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

KakaoTalk 알림톡 with SMS failover (sens-alimtalk-send, sens-alimtalk-get), when
SENS_ALIMTALK_SERVICE_ID and SENS_KAKAO_CHANNEL_ID are set and the template has a code:
- `POST /alimtalk/v2/services/{serviceId}/messages` `{"plusFriendId", "templateCode",
  "messages": [{"countryCode", "to", "content", "useSmsFailover": true, "failoverConfig":
  {"type", "from", "subject", "content"}}]}` (≤ 100) → 202 `{"requestId", "statusCode",
  "messages": [{"messageId", "to", "requestStatusCode": "A000" (taken), "requestStatusDesc"}]}`;
- `GET /alimtalk/v2/services/{serviceId}/messages/{messageId}` → `{"messageStatusCode": "0000"
  (delivered; 3019 not a KakaoTalk user, …), "messageStatusDesc", "useSmsFailover",
  "failoverInfo": {"type", "messageId", …}}`: the failover is an SMS/LMS whose result is read
  with the SMS API's message look-up.

SENS names the request only in its answer, and a send carries no key of ours: a batch whose
answer was lost cannot be found by key. The outbox marks it uncertain for a person to decide.
"""

import base64
import datetime
import hashlib
import hmac
from urllib.parse import quote

from django.conf import settings

from core import clock

from .base import (
    Found,
    Outgoing,
    Pending,
    Provider,
    SendResult,
    euckr_cut,
    failed_each,
    group_by,
    local_text,
    send_groups,
)
from .transport import call, paged, with_query

SUBJECT_BYTES = 40
PAGE_SIZE = 100


def signature(method: str, uri: str, timestamp: str, access_key: str, secret_key: str) -> str:
    message = f"{method} {uri}\n{timestamp}\n{access_key}".encode()
    digest = hmac.new(secret_key.encode(), message, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def signed_headers(method: str, uri: str, *, now: datetime.datetime | None = None) -> dict:
    """The gateway's three headers for a call signed at `now` (the clock's by default)."""
    timestamp = str(int((now or clock.now()).timestamp() * 1000))
    access_key = settings.SENS_ACCESS_KEY
    return {
        "x-ncp-apigw-timestamp": timestamp,
        "x-ncp-iam-access-key": access_key,
        "x-ncp-apigw-signature-v2": signature(
            method, uri, timestamp, access_key, settings.SENS_SECRET_KEY
        ),
    }


def _uri(path: str = "", query: dict | None = None, *, api: str = "sms") -> str:
    service_id = (
        settings.SENS_ALIMTALK_SERVICE_ID if api == "alimtalk" else settings.SENS_SERVICE_ID
    )
    return with_query(f"/{api}/v2/services/{quote(service_id, safe=':')}/messages{path}", query)


def alimtalk_ready() -> bool:
    return bool(settings.SENS_ALIMTALK_SERVICE_ID and settings.SENS_KAKAO_CHANNEL_ID)


def _call(method: str, uri: str, body: dict | None = None) -> dict:
    return call(method, f"{settings.SENS_API_URL}{uri}", body, headers=signed_headers(method, uri))


class SensProvider(Provider):
    name = "sens"
    max_batch = 100
    finds_lost_sends = False

    def send_batch(self, messages: list[Outgoing], *, batch_key: str) -> list[SendResult]:
        kakao = alimtalk_ready()
        groups = group_by(
            messages, lambda m: (m.sender, m.channel, m.alimtalk_template if kakao else "")
        )
        return send_groups(list(groups.values()), self._send_one)

    def _send_one(self, group: list[Outgoing]) -> list[SendResult]:
        if group[0].alimtalk_template and alimtalk_ready():
            return self._send_alimtalk(group)
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
            return failed_each(group, reason=reason, permanent=False)
        # SENS takes the request whole; the message ids come with the look-up by request id.
        return [
            SendResult(m.client_id, True, request_id=request_id, reason="", code="202")
            for m in group
        ]

    def _send_alimtalk(self, group: list[Outgoing]) -> list[SendResult]:
        items = []
        for m in group:
            failover = {"type": m.channel.upper(), "from": m.sender, "content": m.text}
            if m.channel == "lms":
                failover["subject"] = euckr_cut(m.text, SUBJECT_BYTES)
            items.append(
                {
                    "countryCode": "82",
                    "to": m.to,
                    "content": m.text,
                    "useSmsFailover": True,
                    "failoverConfig": failover,
                }
            )
        body = {
            "plusFriendId": settings.SENS_KAKAO_CHANNEL_ID,
            "templateCode": group[0].alimtalk_template,
            "messages": items,
        }
        answer = _call("POST", _uri(api="alimtalk"), body)
        request_id = str(answer.get("requestId") or "")
        taken = {str(item.get("to")): item for item in answer.get("messages") or []}
        results = []
        for m in group:
            item = taken.get(m.to, {})
            if item.get("requestStatusCode") == "A000":
                message_id = str(item.get("messageId") or "")
                results.append(
                    SendResult(m.client_id, True, message_id, request_id=request_id, via="alimtalk")
                )
            else:
                reason = str(item.get("requestStatusDesc") or answer.get("statusName") or "")
                results.append(SendResult(m.client_id, False, reason=reason or "refused"))
        return results

    def lookup(
        self, pending: list[Pending], *, now: datetime.datetime | None = None
    ) -> dict[str, Found]:
        """Find messages sent without a known request id: same phone and sender, same time.

        The outbox texts a resident once a kind and day, and the window starts when the batch
        was claimed, so a match is that text; a phone not listed was not texted in the window.
        """
        found: dict[str, Found] = {}
        if not pending:
            return found
        start = min(p.since for p in pending) - datetime.timedelta(minutes=1)
        end = (now or clock.now()) + datetime.timedelta(minutes=1)
        # An SMS is matched by phone and sender; a 알림톡 (channel, not number) by phone.
        wanted = {(p.to, p.sender): p.client_id for p in pending}
        self._search("sms", start, end, wanted, found, lambda i: (i.get("to"), i.get("from")))
        if wanted and alimtalk_ready():
            by_phone = {to: client_id for (to, _sender), client_id in wanted.items()}
            self._search("alimtalk", start, end, by_phone, found, lambda i: i.get("to"))
        return found

    @staticmethod
    def _search(api: str, start, end, wanted: dict, found: dict, key) -> None:
        def read_page(page: int) -> list[dict]:
            query = {
                "requestStartTime": local_text(start),
                "requestEndTime": local_text(end),
                "pageIndex": page,
                "pageSize": PAGE_SIZE,
            }
            return _call("GET", _uri(query=query, api=api)).get("messages") or []

        if not wanted:
            return
        for item in paged(read_page, size=PAGE_SIZE, first=0):
            match = key(item)
            match = tuple(map(str, match)) if isinstance(match, tuple) else str(match)
            client_id = wanted.pop(match, None)
            if client_id is not None:
                found[client_id] = Found(
                    client_id,
                    message_id=str(item.get("messageId") or ""),
                    request_id=str(item.get("requestId") or ""),
                    via="alimtalk" if api == "alimtalk" else "",
                )
                if not wanted:
                    # Every message is found: no further page is read.
                    return

    def results(
        self, pending: list[Pending], *, now: datetime.datetime | None = None
    ) -> dict[str, Found]:
        # Each message is asked by its id: no time window, so `now` plays no part.
        found: dict[str, Found] = {}
        by_request: dict[str, list[Pending]] = {}
        for p in pending:
            by_request.setdefault(p.request_id, []).append(p)
        for p in [p for p in pending if p.via == "alimtalk"]:
            found[p.client_id] = self._alimtalk_result(p)
        for request_id, group in by_request.items():
            group = [p for p in group if p.via != "alimtalk"]
            if not request_id or not group:
                continue
            listed = _call("GET", _uri(query={"requestId": request_id}))
            ids = {}
            for item in listed.get("messages") or []:
                ids.setdefault(str(item.get("to")), str(item.get("messageId") or ""))
            for p in group:
                message_id = p.message_id or ids.get(p.to, "")
                if not message_id:
                    continue
                found[p.client_id] = self._sms_result(p.client_id, message_id, request_id)
        return found

    @staticmethod
    def _sms_result(client_id: str, message_id: str, request_id: str, via: str = "") -> Found:
        answer = _call("GET", _uri(f"/{quote(message_id)}"))
        for item in answer.get("messages") or []:
            if item.get("status") != "COMPLETED":
                break
            delivered = item.get("statusName") == "success"
            return Found(
                client_id,
                message_id,
                request_id,
                status="delivered" if delivered else "failed",
                reason=str(item.get("statusMessage") or item.get("statusCode") or ""),
                via=via or str(item.get("type") or "").lower(),
            )
        return Found(client_id, message_id, request_id)

    def _alimtalk_result(self, p: Pending) -> Found:
        answer = _call("GET", _uri(f"/{quote(p.message_id)}", api="alimtalk"))
        code = str(answer.get("messageStatusCode") or "")
        if not code:
            return Found(p.client_id, p.message_id, p.request_id, via="alimtalk")
        if code == "0000":
            return Found(p.client_id, p.message_id, p.request_id, "delivered", via="alimtalk")
        failover = answer.get("failoverInfo") or {}
        if answer.get("useSmsFailover") and failover.get("messageId"):
            # The phone could not take the 알림톡: the same outbox row went as SMS/LMS.
            via = str(failover.get("type") or "sms").lower()
            return self._sms_result(p.client_id, str(failover["messageId"]), p.request_id, via=via)
        if answer.get("useSmsFailover"):
            return Found(p.client_id, p.message_id, p.request_id, via="alimtalk")
        reason = str(answer.get("messageStatusDesc") or code)
        return Found(p.client_id, p.message_id, p.request_id, "failed", reason, via="alimtalk")
