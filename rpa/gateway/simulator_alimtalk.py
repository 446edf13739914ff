"""The simulator speaking KakaoTalk 알림톡 as SENS and NHN Cloud do (see sens.py and nhn.py).

A share of the phones (`--kakao-miss-rate`) cannot take a 알림톡 (not a KakaoTalk user): the
provider sends the failover SMS/LMS instead. Either way one text is recorded for the phone.
"""

import uuid

from . import simulator_providers as providers
from .base import MINUTES
from .simulator_providers import Answer

NOT_A_KAKAOTALK_USER = "3019"


# --- SENS ------------------------------------------------------------------------------------


def sens_post(state, body: dict) -> Answer:
    messages = body.get("messages") or []
    if body.get("plusFriendId") != state.keys.get("channel_id") or not body.get("templateCode"):
        return providers.sens_error(400, "unknown channel (plusFriendId) or no templateCode")
    if not messages or len(messages) > providers.SENS_MAX_MESSAGES:
        return providers.sens_error(400, "1 to 100 messages a request")
    request_id = providers.sens_request_id("RSAT")
    now = providers.now_text()
    answers = []
    with state.lock:
        for message in messages:
            to = str(message.get("to", ""))
            failover = message.get("failoverConfig") or {}
            entry = {
                "requestId": request_id,
                "messageId": str(uuid.uuid4()),
                "requestTime": now,
                "plusFriendId": body["plusFriendId"],
                "templateCode": body["templateCode"],
                "countryCode": message.get("countryCode", "82"),
                "to": to,
                "content": message.get("content", ""),
                "requestStatusCode": "A000",
                "requestStatusName": "success",
                "requestStatusDesc": "성공",
                "messageStatusCode": "0000",
                "messageStatusName": "success",
                "messageStatusDesc": "정상 발송",
                "useSmsFailover": bool(message.get("useSmsFailover")),
            }
            text = entry["content"]
            if state.random.random() < state.kakao_miss_rate:
                entry.update(
                    messageStatusCode=NOT_A_KAKAOTALK_USER,
                    messageStatusName="fail",
                    messageStatusDesc="카카오톡 미사용자(시뮬레이션)",
                )
                if entry["useSmsFailover"]:
                    sms = {
                        "requestId": providers.sens_request_id("RSSA"),
                        "messageId": str(uuid.uuid4()),
                        "requestTime": now,
                        "contentType": "COMM",
                        "type": str(failover.get("type", "SMS")).upper(),
                        "countryCode": "82",
                        "from": failover.get("from", ""),
                        "to": to,
                        "status": "PROCESSING",
                        "_text": failover.get("content", text),
                    }
                    state.sens_messages[sms["messageId"]] = sms
                    entry["failoverInfo"] = {
                        "type": sms["type"],
                        "from": sms["from"],
                        "requestId": sms["requestId"],
                        "messageId": sms["messageId"],
                    }
                    text = sms["_text"]
                else:
                    text = None
            state.sens_alimtalk[entry["messageId"]] = entry
            if text is not None:
                state.record_text("", to, text)
            answers.append(
                {
                    "messageId": entry["messageId"],
                    "countryCode": entry["countryCode"],
                    "to": to,
                    "content": entry["content"],
                    "requestStatusCode": "A000",
                    "requestStatusName": "success",
                    "requestStatusDesc": "성공",
                    "useSmsFailover": entry["useSmsFailover"],
                }
            )
    return providers.sens_taken(request_id, now, messages=answers)


def sens_get(state, rest: str, query: dict) -> Answer:
    if rest.startswith("/"):
        with state.lock:
            entry = state.sens_alimtalk.get(rest[1:])
        if entry is None:
            return providers.sens_error(404, "no such message")
        return 200, entry
    if not query.get("requestStartTime") or not query.get("requestEndTime"):
        return providers.sens_error(400, "requestStartTime and requestEndTime are required")
    _page, _size, window = providers.sens_page(query)
    with state.lock:
        entries = [e for e in state.sens_alimtalk.values() if providers.sens_in_window(e, query)]
    fields = ("requestId", "messageId", "requestTime", "plusFriendId", "templateCode", "to")
    return 200, {
        "requestId": "",
        "statusCode": "202",
        "statusName": "success",
        "messages": [{k: e[k] for k in fields} for e in entries[window]],
    }


# --- NHN Cloud -------------------------------------------------------------------------------


def nhn_post(state, body: dict) -> dict:
    recipients = body.get("recipientList") or []
    if body.get("senderKey") != state.keys.get("sender_key") or not body.get("templateCode"):
        return {"header": providers.nhn_header(False, -1006, "unknown senderKey or no template")}
    if not recipients or len(recipients) > providers.NHN_MAX_RECIPIENTS:
        return {"header": providers.nhn_header(False, -2, "recipientList: 1 to 1,000")}
    request_id = providers.nhn_request_id()
    now = providers.now_text(MINUTES)
    results = []
    with state.lock:
        for seq, recipient in enumerate(recipients, start=1):
            resend = recipient.get("resendParameter") or {}
            to = str(recipient.get("recipientNo", ""))
            entry = {
                "requestId": request_id,
                "recipientSeq": seq,
                "senderKey": body["senderKey"],
                "templateCode": body["templateCode"],
                "recipientNo": to,
                "content": recipient.get("content", ""),
                "requestDate": now,
                "createDate": now,
                "messageStatus": "COMPLETED",
                "resultCode": "1000",
                "resultCodeName": "성공",
                "resendStatus": "RSC01",
                "resendStatusName": "대체 발송 미대상",
                "senderGroupingKey": body.get("senderGroupingKey", ""),
                "recipientGroupingKey": recipient.get("recipientGroupingKey", ""),
            }
            text = entry["content"]
            if state.random.random() < state.kakao_miss_rate:
                entry.update(
                    messageStatus="FAILED",
                    resultCode=NOT_A_KAKAOTALK_USER,
                    resultCodeName="카카오톡 미사용자(시뮬레이션)",
                )
                if resend.get("isResend"):
                    entry.update(resendStatus="RSC04", resendStatusName="대체 발송 성공")
                    text = resend.get("resendContent", text)
                else:
                    text = None
            state.nhn_alimtalk.append(entry)
            if text is not None:
                state.record_text(entry["recipientGroupingKey"], to, text)
            results.append(
                {
                    "recipientSeq": seq,
                    "recipientNo": to,
                    "resultCode": 0,
                    "resultMessage": "SUCCESS",
                    "recipientGroupingKey": entry["recipientGroupingKey"],
                }
            )
    return {
        "header": providers.nhn_header(True),
        "message": {
            "requestId": request_id,
            "senderGroupingKey": body.get("senderGroupingKey", ""),
            "sendResults": results,
        },
    }


def nhn_list(state, query: dict) -> dict:
    if providers.nhn_unbounded(query):
        return {"header": providers.nhn_header(False, -6, "requestId or a date range required")}
    _page, window = providers.nhn_page(query)
    with state.lock:
        entries = [e for e in state.nhn_alimtalk if providers.nhn_matches(e, query)]
    chunk = entries[window]
    return {
        "header": providers.nhn_header(True),
        "messageSearchResultResponse": {"messages": chunk, "totalCount": len(entries)},
    }
