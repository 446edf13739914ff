"""Adapter for the portal's own gateway protocol (SMS_PROVIDER=simulator, setting SMS_GATEWAY_URL).

Only the simulator speaks it; it exists for development, tests and benchmarks:
- `POST /v1/messages` `{"messages": [{"client_id", "to", "from", "text", "type"}]}` (≤ 1,000)
  → 200 `{"results": [{"client_id", "status": "accepted"|"rejected", "message_id", "code",
  "reason", "permanent"}]}`; 429 with `Retry-After` when sending too fast.
- `GET /v1/messages?client_id=a,b,…` → `{"messages": [{"client_id", "status", "message_id"}]}`:
  the gateway's own word on what it accepted; an id it does not list was never accepted.
- `GET /v1/reports?after=N` → `{"reports": [{"seq", "client_id", "status", "reason"}], "next": N}`:
  delivery reports, read with a cursor.
"""

import datetime

from django.conf import settings

from .base import Found, Outgoing, Pending, Provider, SendResult
from .transport import call, with_query

LOOKUP_CHUNK = 400


def _call(method: str, path: str, body: dict | None = None, *, query: dict | None = None):
    return call(method, with_query(f"{settings.SMS_GATEWAY_URL}{path}", query), body)


class SimulatedProvider(Provider):
    name = "simulator"
    max_batch = 1000
    reports_by_cursor = True

    @property
    def report_stream(self) -> str:
        return settings.SMS_GATEWAY_URL

    def send_batch(self, messages: list[Outgoing], *, batch_key: str) -> list[SendResult]:
        payload = [
            {
                "client_id": m.client_id,
                "to": m.to,
                "from": m.sender,
                "text": m.text,
                "type": m.channel,
            }
            for m in messages
        ]
        answer = _call("POST", "/v1/messages", {"messages": payload})
        return [
            SendResult(
                client_id=str(item.get("client_id", "")),
                accepted=item.get("status") == "accepted",
                message_id=str(item.get("message_id") or ""),
                code=str(item.get("code") or ""),
                reason=str(item.get("reason") or item.get("code") or ""),
                permanent=bool(item.get("permanent", True)),
            )
            for item in answer.get("results", [])
        ]

    def lookup(
        self, pending: list[Pending], *, now: datetime.datetime | None = None
    ) -> dict[str, Found]:
        # The gateway is asked by client id: no time window, so `now` plays no part.
        found: dict[str, Found] = {}
        ids = [p.client_id for p in pending]
        for start in range(0, len(ids), LOOKUP_CHUNK):
            chunk = ids[start : start + LOOKUP_CHUNK]
            answer = _call("GET", "/v1/messages", query={"client_id": ",".join(chunk)})
            for item in answer.get("messages", []):
                client_id = str(item["client_id"])
                found[client_id] = Found(client_id, str(item.get("message_id") or ""))
        return found

    def pull_reports(self, after: int, limit: int = 1000) -> tuple[list[dict], int]:
        answer = _call("GET", "/v1/reports", query={"after": after, "limit": limit})
        return answer.get("reports", []), int(answer.get("next", after))
