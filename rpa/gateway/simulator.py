"""An SMS provider simulator for development, tests and benchmarks.

It speaks one protocol a run: the portal's own (simulated.py), SENS or NHN Cloud
(simulator_providers.py). Every accepted message is appended to the record file as one JSON
line (client_id, to, text), flushed at once, duplicates included: the record is what residents
would have received. For SENS the client id is empty (SENS carries no id of ours); for NHN
Cloud it is the recipientGroupingKey.
"""

import json
import random
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from . import simulator_alimtalk as alimtalk
from . import simulator_providers as providers

MAX_BATCH = 1000


class GatewayState:
    def __init__(
        self,
        record_path: str,
        fail_rate: float,
        latency_ms: int,
        rate_limit: float,
        busy_rate: float = 0.0,
        *,
        provider: str = "simulator",
        keys: dict | None = None,
        senders: frozenset[str] = frozenset(),
        drop_rate: float = 0.0,
        kakao_miss_rate: float = 0.0,
    ):
        self.lock = threading.Lock()
        # Share of phones that cannot take a KakaoTalk 알림톡 (they get the SMS failover).
        self.kakao_miss_rate = kakao_miss_rate
        self.sens_alimtalk: dict[str, dict] = {}
        self.nhn_alimtalk: list[dict] = []
        self.provider = provider
        self.keys = keys or {}
        # Registered caller numbers (발신번호 사전등록); empty: any number is accepted.
        self.senders = senders
        self.drop_rate = drop_rate
        # Dropped answers are spread evenly, not drawn: a rate of 0.2 loses exactly every fifth
        # answer, so a short run at that rate always loses some.
        self.drop_owed = 0.0
        self.sens_requests: dict[str, list[dict]] = {}
        self.sens_messages: dict[str, dict] = {}
        self.nhn_entries: list[dict] = []
        self.record = open(record_path, "a", encoding="utf-8")  # noqa: SIM115 - lives with the server
        self.fail_rate = fail_rate
        self.busy_rate = busy_rate
        self.latency = latency_ms / 1000
        self.rate_limit = rate_limit
        self.accepted: dict[str, dict] = {}
        self.reports: list[dict] = []
        self.window_start = time.monotonic()
        self.window_count = 0
        self.random = random.Random()  # noqa: S311

    def over_rate(self) -> float:
        """Seconds to wait when requests exceed the per-second limit, else 0."""
        if not self.rate_limit:
            return 0.0
        with self.lock:
            now = time.monotonic()
            if now - self.window_start >= 1.0:
                self.window_start, self.window_count = now, 0
            self.window_count += 1
            if self.window_count > self.rate_limit:
                return max(1.0 - (now - self.window_start), 0.1)
        return 0.0

    def answer_lost(self) -> bool:
        """Whether this accepted request's answer is to be lost (``drop_rate`` of them)."""
        with self.lock:
            self.drop_owed += self.drop_rate
            if self.drop_owed >= 1.0:
                self.drop_owed -= 1.0
                return True
        return False

    def accept(self, messages: list[dict]) -> list[dict]:
        results = []
        with self.lock:
            for message in messages:
                client_id = str(message.get("client_id", ""))
                to = str(message.get("to", ""))
                if not client_id or not to.isdigit():
                    results.append(self._rejected(client_id, "invalid", "Missing or invalid field"))
                    continue
                known = self.accepted.get(client_id)
                if known is None and self.random.random() < self.fail_rate:
                    results.append(
                        self._rejected(client_id, "unreachable", "Number unreachable (simulated)")
                    )
                    continue
                if known is None and self.random.random() < self.busy_rate:
                    results.append(
                        self._rejected(
                            client_id,
                            "busy",
                            "Carrier busy, try again later (simulated)",
                            permanent=False,
                        )
                    )
                    continue
                # Recorded even when the id is known: a re-send is a second text on a phone.
                self._write(client_id, to, message.get("text", ""))
                if known is not None:
                    results.append({**known, "duplicate": True})
                    continue
                entry = {
                    "client_id": client_id,
                    "status": "accepted",
                    "message_id": uuid.uuid4().hex,
                }
                self.accepted[client_id] = entry
                self.reports.append(
                    {
                        "seq": len(self.reports) + 1,
                        "client_id": client_id,
                        "message_id": entry["message_id"],
                        "status": "delivered",
                    }
                )
                results.append(entry)
        return results

    def _write(self, client_id: str, to: str, text: str) -> None:
        line = {"client_id": client_id, "to": to, "text": text}
        self.record.write(json.dumps(line, ensure_ascii=False) + "\n")
        self.record.flush()

    def record_sens(self, request_id: str, entries: list[dict]) -> None:
        with self.lock:
            self.sens_requests[request_id] = entries
            for entry in entries:
                self.sens_messages[entry["messageId"]] = entry
                self._write("", entry["to"], entry["_text"])

    def record_nhn(self, entries: list[dict]) -> None:
        with self.lock:
            for entry in entries:
                self.nhn_entries.append(entry)
                self._write(entry["recipientGroupingKey"], entry["recipientNo"], entry["body"])

    @staticmethod
    def _rejected(client_id: str, code: str, reason: str, *, permanent: bool = True) -> dict:
        return {
            "client_id": client_id,
            "status": "rejected",
            "code": code,
            "reason": reason,
            "permanent": permanent,
        }


class GatewayHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    state: GatewayState

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        return

    def _send_json(self, status: int, body: dict, headers: dict | None = None) -> None:
        data = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        if urlparse(self.path).path == "/v1/simulator/config":
            # Development and tests change the failure behaviour of a running simulator.
            settings = json.loads(body or b"{}")
            with self.state.lock:
                self.state.fail_rate = float(settings.get("fail_rate", self.state.fail_rate))
                self.state.busy_rate = float(settings.get("busy_rate", self.state.busy_rate))
                self.state.rate_limit = float(settings.get("rate_limit", self.state.rate_limit))
                self.state.latency = (
                    float(settings.get("latency_ms", self.state.latency * 1000)) / 1000
                )
                self.state.drop_rate = float(settings.get("drop_rate", self.state.drop_rate))
                self.state.drop_owed = 0.0
                self.state.kakao_miss_rate = float(
                    settings.get("kakao_miss_rate", self.state.kakao_miss_rate)
                )
            self._send_json(200, {"ok": True})
            return
        state = self.state
        if state.provider != "simulator":
            self._provider_post(body)
            return
        if urlparse(self.path).path != "/v1/messages":
            self._send_json(404, {"error": "not found"})
            return
        wait = state.over_rate()
        if wait:
            self._send_json(429, {"error": "too many requests"}, {"Retry-After": f"{wait:.2f}"})
            return
        if state.latency:
            time.sleep(state.latency)
        draw = state.random.random()
        if draw < state.fail_rate / 2:
            self._send_json(503, {"error": "temporarily unavailable (simulated)"})
            return
        try:
            messages = json.loads(body or b"{}").get("messages", [])
        except ValueError:
            self._send_json(400, {"error": "invalid JSON"})
            return
        if len(messages) > MAX_BATCH:
            self._send_json(413, {"error": "at most 1000 messages a request"})
            return
        results = state.accept(messages)
        if draw < state.fail_rate or state.answer_lost():
            self._drop_answer()
            return
        self._send_json(200, {"results": results})

    def _drop_answer(self) -> None:
        """The request was taken, the answer is lost: the client must find out what happened."""
        self.close_connection = True
        self.connection.shutdown(2)

    def _provider_post(self, body: bytes) -> None:
        state = self.state
        path = urlparse(self.path).path
        if state.provider == "sens":
            target = providers.sens_messages_path(state, path)
            if target is None or target[1] != "":
                providers.sens_error(self, 404, "no such service")
                return
            refusal = providers.sens_refusal(self, state)
            if refusal:
                providers.sens_error(self, *refusal)
                return
        else:
            route = providers.nhn_route(state, path)
            if route is None:
                self._send_json(404, {"header": providers.nhn_header(False, -404, "not found")})
                return
            refusal = providers.nhn_refusal(self, state, route)
            if refusal:
                self._send_json(401, {"header": refusal})
                return
        wait = state.over_rate()
        if wait:
            self._send_json(429, {"error": "too many requests"}, {"Retry-After": f"{wait:.2f}"})
            return
        if state.latency:
            time.sleep(state.latency)
        draw = state.random.random()
        if draw < state.fail_rate / 2:
            self._send_json(503, {"error": "temporarily unavailable (simulated)"})
            return
        try:
            payload = json.loads(body or b"{}")
        except ValueError:
            self._send_json(400, {"error": "invalid JSON"})
            return
        if state.provider == "sens":
            post = alimtalk.sens_post if target[0] == "alimtalk" else providers.sens_post
            answer = post(self, state, payload)
            if answer is None:
                return
            status = 202
        elif route == "raw-messages":
            answer, status = alimtalk.nhn_post(state, payload), 200
        else:
            answer, status = providers.nhn_post(state, route, payload), 200
        accepted = state.provider == "sens" or answer["header"]["isSuccessful"]
        if accepted and (draw < state.fail_rate or state.answer_lost()):
            self._drop_answer()
            return
        self._send_json(status, answer)

    def _provider_get(self) -> None:
        state = self.state
        url = urlparse(self.path)
        if state.provider == "sens":
            target = providers.sens_messages_path(state, url.path)
            if target is None:
                providers.sens_error(self, 404, "no such service")
                return
            refusal = providers.sens_refusal(self, state)
            if refusal:
                providers.sens_error(self, *refusal)
                return
            if target[0] == "alimtalk":
                alimtalk.sens_get(self, state, target[1], parse_qs(url.query))
            else:
                providers.sens_get(self, state, target[1])
            return
        route = providers.nhn_route(state, url.path)
        if route is None:
            self._send_json(404, {"header": providers.nhn_header(False, -404, "not found")})
            return
        refusal = providers.nhn_refusal(self, state, route)
        if refusal:
            self._send_json(401, {"header": refusal})
            return
        if route == "messages":
            self._send_json(200, alimtalk.nhn_list(state, parse_qs(url.query)))
            return
        self._send_json(200, providers.nhn_list(state, route, parse_qs(url.query)))

    def do_GET(self):
        url = urlparse(self.path)
        query = parse_qs(url.query)
        state = self.state
        if state.provider != "simulator":
            self._provider_get()
            return
        if url.path == "/v1/messages":
            ids = [i for part in query.get("client_id", []) for i in part.split(",") if i]
            with state.lock:
                found = [state.accepted[i] for i in ids if i in state.accepted]
            self._send_json(200, {"messages": found})
            return
        if url.path.startswith("/v1/messages/"):
            client_id = url.path.rsplit("/", 1)[-1]
            with state.lock:
                entry = state.accepted.get(client_id)
            if entry is None:
                self._send_json(404, {"error": "unknown client_id"})
            else:
                self._send_json(200, entry)
            return
        if url.path == "/v1/reports":
            after = int(query.get("after", ["0"])[0])
            limit = min(int(query.get("limit", ["1000"])[0]), 5000)
            with state.lock:
                chunk = state.reports[after : after + limit]
            self._send_json(200, {"reports": chunk, "next": after + len(chunk)})
            return
        self._send_json(404, {"error": "not found"})


def make_server(
    *,
    host: str = "127.0.0.1",
    port: int,
    record: str,
    fail_rate: float = 0.0,
    latency_ms: int = 0,
    rate_limit: float = 0.0,
    busy_rate: float = 0.0,
    provider: str = "simulator",
    keys: dict | None = None,
    senders: frozenset[str] = frozenset(),
    drop_rate: float = 0.0,
    kakao_miss_rate: float = 0.0,
) -> ThreadingHTTPServer:
    state = GatewayState(
        record,
        fail_rate,
        latency_ms,
        rate_limit,
        busy_rate,
        provider=provider,
        keys=keys,
        senders=senders,
        drop_rate=drop_rate,
        kakao_miss_rate=kakao_miss_rate,
    )
    handler = type("BoundGatewayHandler", (GatewayHandler,), {"state": state})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server
