"""Adapter for NHN Cloud Notification SMS, API v3.0 (SMS_PROVIDER=nhn).

From the reference (docs.nhncloud.com, Notification > SMS > API v3.0 Guide):
- every call carries the app key in the path and `X-Secret-Key` in a header;
- `POST /sms/v3.0/appKeys/{appKey}/sender/sms` `{"body", "sendNo", "senderGroupingKey",
  "recipientList": [{"recipientNo", "recipientGroupingKey"}]}` (SMS: 90 EUC-KR bytes) and
  `POST …/sender/mms` with a `title` for LMS (2,000 bytes); one body and one sender a request,
  at most 1,000 recipients → `{"header": {"isSuccessful", "resultCode", "resultMessage"},
  "body": {"data": {"requestId", "statusCode", "senderGroupingKey", "sendResultList":
  [{"recipientNo", "resultCode", "resultMessage", "recipientSeq", "recipientGroupingKey"}]}}}`;
- `GET …/sender/sms` (and `…/sender/mms`) `?startRequestDate=&endRequestDate=
  &senderGroupingKey=&pageNum=&pageSize=` (≤ 1,000) → `{"body": {"totalCount", "data":
  [{"requestId", "recipientNo", "msgStatus", "resultCode", "mtPr", "senderGroupingKey",
  "recipientGroupingKey", …}]}}`: msgStatus 1 requested, 2 processing, 3 done (resultCode
  "1000" delivered), 0 and 5 failed.

KakaoTalk 알림톡 with SMS failover (KakaoTalk Bizmessage > 알림톡 > API v2.3), when the
NHN_ALIMTALK_* settings are set and the template has a code: its own app key and secret,
the channel's sender key;
- `POST /alimtalk/v2.3/appkeys/{appkey}/raw-messages` `{"senderKey", "templateCode",
  "senderGroupingKey", "recipientList": [{"recipientNo", "content", "resendParameter":
  {"isResend": true, "resendType", "resendTitle", "resendContent", "resendSendNo"},
  "recipientGroupingKey"}]}` (≤ 1,000; a different text each) → `{"header", "message":
  {"requestId", "sendResults": [{"recipientSeq", "resultCode", "resultMessage",
  "recipientGroupingKey"}]}}`;
- `GET /alimtalk/v2.3/appkeys/{appkey}/messages?startRequestDate=&endRequestDate=
  &senderGroupingKey=` (yyyy-MM-dd HH:mm) → `{"messageSearchResultResponse": {"messages":
  [{"requestId", "recipientSeq", "messageStatus": COMPLETED|FAILED|CANCEL, "resultCode",
  "resendStatus": RSC01 none, RSC02 waiting, RSC03 sending, RSC04 sent, RSC05 failed,
  "recipientGroupingKey"}], "totalCount"}}`.

Our keys travel with every send: senderGroupingKey is the batch's key, recipientGroupingKey
the message's client id. A send whose answer was lost is looked up by them, never resent.
"""

import datetime
from collections.abc import Iterator
from urllib.parse import quote

from django.conf import settings

from core import clock

from . import base
from .base import (
    MINUTES,
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

TITLE_BYTES = 40
PAGE_SIZE = 1000
# One request carries one text, and every resident's text differs: several requests a batch
# go out at once, as a browser would, so a batch of 1,000 is not 1,000 round trips in a row.
PARALLEL_REQUESTS = 8
FAILED_STATUSES = {"0", "5"}


def alimtalk_ready() -> bool:
    return bool(
        settings.NHN_ALIMTALK_APP_KEY
        and settings.NHN_ALIMTALK_SECRET_KEY
        and settings.NHN_ALIMTALK_SENDER_KEY
    )


def _call(
    method: str, path: str, body: dict | None = None, *, query: dict | None = None, kakao=False
) -> dict:
    """One call to the SMS API (or, `kakao`, the 알림톡 API): its app key in the path, its
    secret key in a header."""
    if kakao:
        app_key, secret = settings.NHN_ALIMTALK_APP_KEY, settings.NHN_ALIMTALK_SECRET_KEY
        root = f"{settings.NHN_ALIMTALK_API_URL}/alimtalk/v2.3/appkeys/{quote(app_key, safe='')}"
    else:
        app_key, secret = settings.NHN_SMS_APP_KEY, settings.NHN_SMS_SECRET_KEY
        root = f"{settings.NHN_SMS_API_URL}/sms/v3.0/appKeys/{quote(app_key, safe='')}"
    return call(method, with_query(root + path, query), body, headers={"X-Secret-Key": secret})


def _send_results(answer: dict, group: list[Outgoing], *, via: str = "") -> list[SendResult]:
    """A send's answer: the header says whether the request was taken, then one result a
    recipient (SMS under body.data.sendResultList, 알림톡 under message.sendResults)."""
    header = answer.get("header") or {}
    if not header.get("isSuccessful"):
        reason = str(header.get("resultMessage") or header.get("resultCode") or "refused")
        return failed_each(group, reason=reason, permanent=False)
    if via:
        data = answer.get("message") or {}
        items = data.get("sendResults") or []
    else:
        data = (answer.get("body") or {}).get("data") or {}
        items = data.get("sendResultList") or []
    request_id = str(data.get("requestId") or "")
    results = []
    for item in items:
        ok = int(item.get("resultCode", -1)) == 0
        results.append(
            SendResult(
                client_id=str(item.get("recipientGroupingKey") or ""),
                accepted=ok,
                message_id=f"{request_id}:{item.get('recipientSeq', '')}" if ok else "",
                code=str(item.get("resultCode", "")),
                reason="" if ok else str(item.get("resultMessage") or ""),
                request_id=request_id,
                via=via if ok else "",
            )
        )
    return results


def _listed_by_key(
    path: str, batch_key: str, window: tuple[str, str], wanted: set, *, kakao: bool = False
) -> Iterator[tuple[str, dict]]:
    """The rows NHN Cloud lists for one of our batch keys within the window, as (our client
    id, row) for the ids wanted."""

    def read_page(page: int) -> list[dict]:
        query = {
            "startRequestDate": window[0],
            "endRequestDate": window[1],
            "senderGroupingKey": batch_key,
            "pageNum": page,
            "pageSize": PAGE_SIZE,
        }
        answer = _call("GET", path, query=query, kakao=kakao)
        if kakao:
            return (answer.get("messageSearchResultResponse") or {}).get("messages") or []
        return (answer.get("body") or {}).get("data") or []

    for item in paged(read_page, size=PAGE_SIZE):
        key = str(item.get("recipientGroupingKey") or "")
        if key in wanted:
            yield key, item


def _listed(pending: list[Pending], now: datetime.datetime) -> dict[str, dict]:
    """The provider's rows for these messages' batches, by our client id."""
    wanted = {p.client_id for p in pending}
    start = min(p.since for p in pending) - datetime.timedelta(minutes=5)
    end = now + datetime.timedelta(minutes=1)
    rows: dict[str, dict] = {}
    window = (local_text(start), local_text(end))
    for batch_key in sorted({p.batch_key for p in pending if p.batch_key}):
        for path in ("/sender/sms", "/sender/mms"):
            rows.update(_listed_by_key(path, batch_key, window, wanted))
    missing = wanted - set(rows)
    if alimtalk_ready() and missing:
        # A minute's precision in this API's window: a minute more on each side.
        keys = {p.batch_key for p in pending if p.batch_key and p.client_id not in rows}
        late = end + datetime.timedelta(minutes=1)
        window = (local_text(start, MINUTES), local_text(late, MINUTES))
        for batch_key in sorted(keys):
            listed = _listed_by_key("/messages", batch_key, window, missing, kakao=True)
            rows.update((key, {**item, "_alimtalk": True}) for key, item in listed)
    return rows


class NhnProvider(Provider):
    name = "nhn"
    max_batch = 1000

    def send_batch(self, messages: list[Outgoing], *, batch_key: str) -> list[SendResult]:
        # 알림톡 takes a different text per recipient: one request per template code.
        kakao = alimtalk_ready()
        groups = group_by(
            messages,
            lambda m: (
                ("alimtalk", m.alimtalk_template)
                if kakao and m.alimtalk_template
                else (m.sender, m.channel, m.text)
            ),
        )
        return send_groups(
            list(groups.values()),
            lambda group: self._send_one(group, batch_key),
            parallel=PARALLEL_REQUESTS,
        )

    def _send_one(self, group: list[Outgoing], batch_key: str) -> list[SendResult]:
        first = group[0]
        if first.alimtalk_template and alimtalk_ready():
            return self._send_alimtalk(group, batch_key)
        body = {
            "body": first.text,
            "sendNo": first.sender,
            "senderGroupingKey": batch_key,
            "recipientList": [
                {"recipientNo": m.to, "recipientGroupingKey": m.client_id} for m in group
            ],
        }
        path = "/sender/sms"
        if first.channel == "lms":
            path = "/sender/mms"
            body["title"] = euckr_cut(first.text, TITLE_BYTES)
        return _send_results(_call("POST", path, body), group)

    def _send_alimtalk(self, group: list[Outgoing], batch_key: str) -> list[SendResult]:
        recipients = []
        for m in group:
            resend = {
                "isResend": True,
                "resendType": m.channel.upper(),
                "resendContent": m.text,
                "resendSendNo": m.sender,
            }
            if m.channel == "lms":
                resend["resendTitle"] = euckr_cut(m.text, TITLE_BYTES)
            recipients.append(
                {
                    "recipientNo": m.to,
                    "content": m.text,
                    "resendParameter": resend,
                    "recipientGroupingKey": m.client_id,
                }
            )
        body = {
            "senderKey": settings.NHN_ALIMTALK_SENDER_KEY,
            "templateCode": group[0].alimtalk_template,
            "senderGroupingKey": batch_key,
            "recipientList": recipients,
        }
        answer = _call("POST", "/raw-messages", body, kakao=True)
        return _send_results(answer, group, via="alimtalk")

    @staticmethod
    def _alimtalk_found(client_id: str, item: dict, *, final: bool) -> Found:
        request_id = str(item.get("requestId") or "")
        message_id = f"{request_id}:{item.get('recipientSeq', '')}"
        status = str(item.get("messageStatus") or "")
        resend = str(item.get("resendStatus") or "")
        if final and status == "COMPLETED" and str(item.get("resultCode")) == "1000":
            return Found(client_id, message_id, request_id, "delivered", via="alimtalk")
        if final and resend == "RSC04":
            # The phone could not take the 알림톡: the same outbox row went as SMS/LMS.
            return Found(client_id, message_id, request_id, "delivered", via=base.FAILOVER)
        if final and (resend == "RSC05" or (status in ("FAILED", "CANCEL") and resend == "RSC01")):
            reason = str(item.get("resendStatusName") or item.get("resultCodeName") or status)
            return Found(client_id, message_id, request_id, "failed", reason, via="alimtalk")
        return Found(client_id, message_id, request_id, via="alimtalk")

    @staticmethod
    def _found(client_id: str, item: dict, *, final: bool) -> Found:
        if item.get("_alimtalk"):
            return NhnProvider._alimtalk_found(client_id, item, final=final)
        request_id = str(item.get("requestId") or "")
        message_id = f"{request_id}:{item.get('mtPr', '')}"
        via = "lms" if str(item.get("sendType")) == "1" else "sms"
        status = str(item.get("msgStatus") or "")
        if final and status == "3":
            if str(item.get("resultCode")) == "1000":
                return Found(client_id, message_id, request_id, "delivered", via=via)
            reason = str(item.get("resultCodeName") or item.get("resultCode") or "")
            return Found(client_id, message_id, request_id, "failed", reason, via=via)
        if final and status in FAILED_STATUSES:
            reason = str(item.get("resultCodeName") or item.get("msgStatusName") or "")
            return Found(client_id, message_id, request_id, "failed", reason, via=via)
        return Found(client_id, message_id, request_id, via=via)

    def lookup(
        self, pending: list[Pending], *, now: datetime.datetime | None = None
    ) -> dict[str, Found]:
        listed = _listed(pending, now or clock.now())
        return {key: self._found(key, item, final=False) for key, item in listed.items()}

    def results(
        self, pending: list[Pending], *, now: datetime.datetime | None = None
    ) -> dict[str, Found]:
        listed = _listed(pending, now or clock.now())
        return {key: self._found(key, item, final=True) for key, item in listed.items()}
