"""The simulator speaking SENS SMS API v2 and NHN Cloud SMS API v3.0 (see sens.py and nhn.py).

It checks what the references say a provider checks (keys, the SENS signature and its 5-minute
clock window, messages a request, EUC-KR lengths, registered senders) and answers in their
shapes. A send the provider accepts is recorded like every other (rpa/gateway/simulator.py).
"""

import hmac
import uuid
from urllib.parse import unquote

from core import clock

from .base import SECONDS, local_text
from .sens import signature

SENS_MAX_MESSAGES = 100
NHN_MAX_RECIPIENTS = 1000
SMS_BYTES = 90
LMS_BYTES = 2000
SENS_SUBJECT_BYTES = 40
NHN_TITLE_CHARS = 120
CLOCK_SKEW_MS = 5 * 60 * 1000
NHN_FILTERS = ("requestId", "senderGroupingKey", "recipientGroupingKey", "recipientNo")

# An answer: the HTTP status and the JSON body.
Answer = tuple[int, dict]


def euckr_bytes(text: str) -> int:
    return len(text.encode("euc-kr", errors="replace"))


def now_text(pattern: str = SECONDS) -> str:
    # The providers speak Korean local time, as the adapters' time windows do.
    return local_text(clock.now(), pattern)


def _first(query: dict, name: str) -> str:
    return query.get(name, [""])[0]


def _in_window(moment: str, query: dict, start: str, end: str) -> bool:
    low, high = _first(query, start), _first(query, end)
    return (not low or moment >= low) and (not high or moment <= high)


# --- SENS ------------------------------------------------------------------------------------


def sens_refusal(handler, state) -> Answer | None:
    """The API gateway's own checks: access key, timestamp window, signature."""
    headers = handler.headers
    timestamp = headers.get("x-ncp-apigw-timestamp", "")
    access_key = headers.get("x-ncp-iam-access-key", "")
    sent = headers.get("x-ncp-apigw-signature-v2", "")
    now_ms = clock.now().timestamp() * 1000
    if not timestamp.isdigit() or abs(int(timestamp) - now_ms) > CLOCK_SKEW_MS:
        return sens_error(401, "Invalid timestamp: more than 5 minutes from the gateway's clock")
    if access_key != state.keys["access_key"]:
        return sens_error(401, "Invalid access key")
    expected = signature(handler.command, handler.path, timestamp, access_key, state.keys["secret"])
    if not hmac.compare_digest(sent, expected):
        return sens_error(401, "Signature mismatch")
    return None


def sens_error(status: int, message: str) -> Answer:
    return status, {"error": {"errorCode": str(status), "message": message, "details": message}}


def sens_request_id(prefix: str) -> str:
    """A SENS request id: RSSA- for an SMS request, RSAT- for a 알림톡 one."""
    return f"{prefix}-{uuid.uuid4().hex[:20]}"


def sens_taken(request_id: str, now: str, **more) -> Answer:
    """202: SENS took the request (the messages come with the look-up, 알림톡's at once)."""
    answer = {"requestId": request_id, "requestTime": now, "statusCode": "202"}
    return 202, {**answer, "statusName": "success", **more}


def sens_page(query: dict) -> tuple[int, int, slice]:
    """A SENS list query's page: its index, its size (at most 100) and its slice."""
    page = int(query.get("pageIndex", ["0"])[0])
    size = min(int(query.get("pageSize", ["100"])[0]), 100)
    return page, size, slice(page * size, (page + 1) * size)


def sens_in_window(entry: dict, query: dict) -> bool:
    return _in_window(entry["requestTime"], query, "requestStartTime", "requestEndTime")


def sens_messages_path(state, path: str) -> tuple[str, str] | None:
    """("sms" or "alimtalk", the rest of the path after the service's messages URI), or None."""
    path = unquote(path)
    for api, service in (
        ("sms", state.keys["service_id"]),
        ("alimtalk", state.keys.get("alimtalk_service_id", "")),
    ):
        prefix = f"/{api}/v2/services/{service}/messages"
        if service and (path == prefix or path.startswith(prefix + "/")):
            return api, path[len(prefix) :]
    return None


def sens_post(state, body: dict) -> Answer:
    """Validate and accept a send request: 202, or the error SENS answers."""
    kind = str(body.get("type", "")).upper()
    messages = body.get("messages") or []
    sender = str(body.get("from", ""))
    if kind not in ("SMS", "LMS") or not messages:
        return sens_error(400, "type must be SMS or LMS, with messages")
    if len(messages) > SENS_MAX_MESSAGES:
        return sens_error(400, "at most 100 messages a request")
    if state.senders and sender not in state.senders:
        return sens_error(400, f"calling number {sender} is not registered")
    limit = SMS_BYTES if kind == "SMS" else LMS_BYTES
    for message in messages:
        content = message.get("content") or body.get("content") or ""
        subject = message.get("subject") or body.get("subject") or ""
        if not str(message.get("to", "")).isdigit():
            return sens_error(400, "to must be digits only")
        if euckr_bytes(content) > limit:
            return sens_error(400, f"{kind} content over {limit} bytes")
        if kind == "LMS" and euckr_bytes(subject) > SENS_SUBJECT_BYTES:
            return sens_error(400, "subject over 40 bytes")
    request_id = sens_request_id("RSSA")
    now = now_text()
    entries = []
    for message in messages:
        text = message.get("content") or body.get("content") or ""
        entries.append(
            {
                "requestId": request_id,
                "messageId": str(uuid.uuid4()),
                "requestTime": now,
                "contentType": body.get("contentType", "COMM"),
                "type": kind,
                "countryCode": body.get("countryCode", "82"),
                "from": sender,
                "to": str(message["to"]),
                "status": "PROCESSING",
                "_text": text,
            }
        )
    state.record_sens(request_id, entries)
    return sens_taken(request_id, now)


def _deliver(state, entry: dict) -> None:
    """The phone's answer, decided when first asked for, with the fail rate of that moment."""
    if entry.get("_delivered"):
        return
    entry["_delivered"] = True
    failed = state.random.random() < state.fail_rate
    if "msgStatus" in entry:  # NHN Cloud
        entry.update(
            msgStatus="3",
            msgStatusName="실패" if failed else "성공",
            resultCode="3015" if failed else "1000",
            resultCodeName="수신 거부(시뮬레이션)" if failed else "성공",
            resultDate=now_text(),
        )
        return
    entry.update(
        completeTime=now_text(),
        status="COMPLETED",
        statusCode="3" if failed else "0",
        statusName="fail" if failed else "success",
        statusMessage="수신 거부(시뮬레이션)" if failed else "성공",
    )


def _public(entry: dict, fields: tuple[str, ...] | None = None) -> dict:
    return {k: v for k, v in entry.items() if not k.startswith("_") and (not fields or k in fields)}


LIST_FIELDS = ("requestId", "messageId", "requestTime", "contentType", "countryCode", "from", "to")


def sens_get(state, rest: str, query: dict) -> Answer:
    if rest.startswith("/"):
        with state.lock:
            entry = state.sens_messages.get(rest[1:])
            if entry is not None:
                _deliver(state, entry)
        if entry is None:
            return sens_error(404, "no such message")
        return 200, {"statusCode": "200", "statusName": "success", "messages": [_public(entry)]}
    request_id = _first(query, "requestId")
    if request_id:
        with state.lock:
            entries = list(state.sens_requests.get(request_id, []))
        return 200, {
            "requestId": request_id,
            "statusCode": "200",
            "statusName": "success",
            "messages": [_public(e, LIST_FIELDS) for e in entries],
        }
    if not query.get("requestStartTime") or not query.get("requestEndTime"):
        return sens_error(400, "requestId or requestStartTime and requestEndTime are required")
    page, size, window = sens_page(query)
    with state.lock:
        entries = [e for e in state.sens_messages.values() if sens_in_window(e, query)]
    return 200, {
        "statusCode": "200",
        "statusName": "success",
        "pageIndex": page,
        "pageSize": size,
        "itemCount": len(entries),
        "messages": [_public(e, LIST_FIELDS) for e in entries[window]],
    }


# --- NHN Cloud -------------------------------------------------------------------------------


def nhn_header(ok: bool, code: int = 0, message: str = "SUCCESS") -> dict:
    return {"isSuccessful": ok, "resultCode": code, "resultMessage": message}


def nhn_route(state, path: str) -> str | None:
    """The route of this app key's paths: "sms", "mms", or 알림톡's "raw-messages" and
    "messages" (its own app key); None for any other path."""
    prefix = f"/sms/v3.0/appKeys/{state.keys['app_key']}/sender/"
    path = unquote(path)
    if path in (prefix + "sms", prefix + "mms"):
        return path[len(prefix) :]
    kakao = f"/alimtalk/v2.3/appkeys/{state.keys.get('alimtalk_app_key', '')}/"
    if state.keys.get("alimtalk_app_key") and path in (kakao + "raw-messages", kakao + "messages"):
        return path[len(kakao) :]
    return None


def nhn_refusal(handler, state, route: str | None) -> Answer | None:
    """404 for a path of no route, 401 for a secret key of another app key."""
    if route is None:
        return 404, {"header": nhn_header(False, -404, "not found")}
    secret = state.keys["secret"]
    if route in ("raw-messages", "messages"):
        secret = state.keys.get("alimtalk_secret", "")
    if handler.headers.get("X-Secret-Key", "") != secret:
        return 401, {"header": nhn_header(False, -1, "Invalid secret key")}
    return None


def nhn_request_id() -> str:
    return f"{local_text(clock.now(), '%Y%m%d%H%M%S')}{uuid.uuid4().hex[:11]}"


def nhn_unbounded(query: dict) -> bool:
    """Whether a list query names neither a request id nor a request date range."""
    return not _first(query, "requestId") and not (
        _first(query, "startRequestDate") and _first(query, "endRequestDate")
    )


def nhn_page(query: dict) -> tuple[int, slice]:
    """A list query's page number (from 1) and its slice; 15 a page unless asked, ≤ 1,000."""
    page = max(int(_first(query, "pageNum") or 1), 1)
    size = min(int(_first(query, "pageSize") or 15), 1000)
    return page, slice((page - 1) * size, page * size)


def nhn_matches(entry: dict, query: dict) -> bool:
    """Whether a row answers a list query: every filter it names, its request date range."""
    return all(
        not _first(query, name) or entry[name] == _first(query, name) for name in NHN_FILTERS
    ) and _in_window(entry["requestDate"], query, "startRequestDate", "endRequestDate")


def nhn_post(state, route: str, body: dict) -> dict:
    recipients = body.get("recipientList") or []
    sender = str(body.get("sendNo", ""))
    text = str(body.get("body", ""))
    if not recipients or len(recipients) > NHN_MAX_RECIPIENTS:
        return {"header": nhn_header(False, -2, "recipientList: 1 to 1,000 recipients")}
    if state.senders and sender not in state.senders:
        return {"header": nhn_header(False, -3, f"sendNo {sender} is not registered")}
    if route == "sms" and euckr_bytes(text) > SMS_BYTES:
        return {"header": nhn_header(False, -4, "SMS body over 90 bytes")}
    if route == "mms":
        title = str(body.get("title", ""))
        if not title or len(title) > NHN_TITLE_CHARS or euckr_bytes(text) > LMS_BYTES:
            return {"header": nhn_header(False, -5, "MMS needs a title and a body of 2,000 bytes")}
    request_id = nhn_request_id()
    now = now_text()
    results, entries = [], []
    for seq, recipient in enumerate(recipients, start=1):
        number = str(recipient.get("recipientNo", ""))
        key = str(recipient.get("recipientGroupingKey", ""))
        if not number.isdigit():
            results.append(
                {
                    "recipientNo": number,
                    "resultCode": -2000,
                    "resultMessage": "invalid recipient number",
                    "recipientSeq": seq,
                    "recipientGroupingKey": key,
                }
            )
            continue
        entries.append(
            {
                "requestId": request_id,
                "requestDate": now,
                "resultDate": "",
                "body": text,
                "sendNo": sender,
                "countryCode": "82",
                "recipientNo": number,
                "msgStatus": "2",
                "msgStatusName": "처리 중",
                "resultCode": "",
                "resultCodeName": "",
                "mtPr": str(seq),
                "sendType": "1" if route == "mms" else "0",
                "senderGroupingKey": str(body.get("senderGroupingKey", "")),
                "recipientGroupingKey": key,
                "_route": route,
            }
        )
        results.append(
            {
                "recipientNo": number,
                "resultCode": 0,
                "resultMessage": "SUCCESS",
                "recipientSeq": seq,
                "recipientGroupingKey": key,
            }
        )
    state.record_nhn(entries)
    return {
        "header": nhn_header(True),
        "body": {
            "data": {
                "requestId": request_id,
                "statusCode": "2",
                "senderGroupingKey": body.get("senderGroupingKey", ""),
                "sendResultList": results,
            }
        },
    }


def nhn_list(state, route: str, query: dict) -> dict:
    if nhn_unbounded(query):
        return {"header": nhn_header(False, -6, "requestId or a request date range is required")}
    page, window = nhn_page(query)
    with state.lock:
        entries = [e for e in state.nhn_entries if e["_route"] == route and nhn_matches(e, query)]
        chunk = entries[window]
        for entry in chunk:
            _deliver(state, entry)
    return {
        "header": nhn_header(True),
        "body": {
            "pageNum": page,
            "pageSize": len(chunk),
            "totalCount": len(entries),
            "data": [_public(e) for e in chunk],
        },
    }
