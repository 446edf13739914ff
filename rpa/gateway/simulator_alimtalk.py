"""The simulator speaking KakaoTalk 알림톡 as SENS and NHN Cloud do (see sens.py and nhn.py).

A share of the phones (`--kakao-miss-rate`) cannot take a 알림톡 (not a KakaoTalk user): the
provider sends the failover SMS/LMS instead. Either way one text is recorded for the phone.
"""

import uuid

from django.utils import timezone

from . import simulator_providers as providers

NOT_A_KAKAOTALK_USER = "3019"


def _now(minutes_only: bool = False) -> str:
    return timezone.localtime().strftime("%Y-%m-%d %H:%M" if minutes_only else "%Y-%m-%d %H:%M:%S")


# --- SENS ------------------------------------------------------------------------------------


def sens_post(handler, state, body: dict) -> dict | None:
    messages = body.get("messages") or []
    if body.get("plusFriendId") != state.keys.get("channel_id") or not body.get("templateCode"):
        providers.sens_error(handler, 400, "unknown channel (plusFriendId) or no templateCode")
        return None
    if not messages or len(messages) > providers.SENS_MAX_MESSAGES:
        providers.sens_error(handler, 400, "1 to 100 messages a request")
        return None
    request_id = f"RSAT-{uuid.uuid4().hex[:20]}"
    now = _now()
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
                        "requestId": f"RSSA-{uuid.uuid4().hex[:20]}",
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
                state._write("", to, text)
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
    return {
        "requestId": request_id,
        "requestTime": now,
        "statusCode": "202",
        "statusName": "success",
        "messages": answers,
    }


def sens_get(handler, state, rest: str, query: dict) -> None:
    if rest.startswith("/"):
        with state.lock:
            entry = state.sens_alimtalk.get(rest[1:])
        if entry is None:
            providers.sens_error(handler, 404, "no such message")
        else:
            handler._send_json(200, entry)
        return
    if not query.get("requestStartTime") or not query.get("requestEndTime"):
        providers.sens_error(handler, 400, "requestStartTime and requestEndTime are required")
        return
    page = int(query.get("pageIndex", ["0"])[0])
    size = min(int(query.get("pageSize", ["100"])[0]), 100)
    low, high = query["requestStartTime"][0], query["requestEndTime"][0]
    with state.lock:
        entries = [e for e in state.sens_alimtalk.values() if low <= e["requestTime"] <= high]
    chunk = entries[page * size : (page + 1) * size]
    fields = ("requestId", "messageId", "requestTime", "plusFriendId", "templateCode", "to")
    handler._send_json(
        200,
        {
            "requestId": "",
            "statusCode": "202",
            "statusName": "success",
            "messages": [{k: e[k] for k in fields} for e in chunk],
        },
    )


# --- NHN Cloud -------------------------------------------------------------------------------


def nhn_post(state, body: dict) -> dict:
    recipients = body.get("recipientList") or []
    if body.get("senderKey") != state.keys.get("sender_key") or not body.get("templateCode"):
        return {"header": providers.nhn_header(False, -1006, "unknown senderKey or no template")}
    if not recipients or len(recipients) > providers.NHN_MAX_RECIPIENTS:
        return {"header": providers.nhn_header(False, -2, "recipientList: 1 to 1,000")}
    request_id = f"{timezone.localtime():%Y%m%d%H%M%S}{uuid.uuid4().hex[:11]}"
    now = _now(minutes_only=True)
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
                state._write(entry["recipientGroupingKey"], to, text)
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
    def one(name: str) -> str:
        return query.get(name, [""])[0]

    if not one("requestId") and not (one("startRequestDate") and one("endRequestDate")):
        return {"header": providers.nhn_header(False, -6, "requestId or a date range required")}
    page = max(int(one("pageNum") or 1), 1)
    size = min(int(one("pageSize") or 15), 1000)
    filters = ("requestId", "senderGroupingKey", "recipientGroupingKey", "recipientNo")
    low, high = one("startRequestDate"), one("endRequestDate")
    with state.lock:
        entries = [
            e
            for e in state.nhn_alimtalk
            if all(not one(f) or e[f] == one(f) for f in filters)
            and (not low or e["requestDate"] >= low)
            and (not high or e["requestDate"] <= high)
        ]
    chunk = entries[(page - 1) * size : page * size]
    return {
        "header": providers.nhn_header(True),
        "messageSearchResultResponse": {"messages": chunk, "totalCount": len(entries)},
    }
