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
    """What a running simulator has taken and how it misbehaves (the rates configure sets)."""

    def __init__(
        self,
        record_path: str,
        *,
        fail_rate: float = 0.0,
        latency_ms: int = 0,
        rate_limit: float = 0.0,
        busy_rate: float = 0.0,
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

    def configure(self, settings: dict) -> None:
        """Development and tests change the failure behaviour of a running simulator."""
        with self.lock:
            self.fail_rate = float(settings.get("fail_rate", self.fail_rate))
            self.busy_rate = float(settings.get("busy_rate", self.busy_rate))
            self.rate_limit = float(settings.get("rate_limit", self.rate_limit))
            self.latency = float(settings.get("latency_ms", self.latency * 1000)) / 1000
            self.drop_rate = float(settings.get("drop_rate", self.drop_rate))
            self.drop_owed = 0.0
            self.kakao_miss_rate = float(settings.get("kakao_miss_rate", self.kakao_miss_rate))

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
                self.record_text(client_id, to, message.get("text", ""))
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

    def record_text(self, client_id: str, to: str, text: str) -> None:
        """One text a phone received; the caller holds the lock."""
        line = {"client_id": client_id, "to": to, "text": text}
        self.record.write(json.dumps(line, ensure_ascii=False) + "\n")
        self.record.flush()

    def record_sens(self, request_id: str, entries: list[dict]) -> None:
        with self.lock:
            self.sens_requests[request_id] = entries
            for entry in entries:
                self.sens_messages[entry["messageId"]] = entry
                self.record_text("", entry["to"], entry["_text"])

    def record_nhn(self, entries: list[dict]) -> None:
        with self.lock:
            for entry in entries:
                self.nhn_entries.append(entry)
                self.record_text(entry["recipientGroupingKey"], entry["recipientNo"], entry["body"])

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
        """Every answer the simulator gives, in every protocol: a JSON body and its length."""
        data = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def _drop_answer(self) -> None:
        """The request was taken, the answer is lost: the client must find out what happened."""
        self.close_connection = True
        self.connection.shutdown(2)

    def _admit(self, body: bytes) -> tuple[float, dict] | None:
        """What every send request meets first, in every protocol: the rate limit, the latency,
        a simulated 503 and the JSON parser. (The failure draw, the body), or None once the
        refusal is answered."""
        state = self.state
        wait = state.over_rate()
        if wait:
            self._send_json(429, {"error": "too many requests"}, {"Retry-After": f"{wait:.2f}"})
            return None
        if state.latency:
            time.sleep(state.latency)
        draw = state.random.random()
        if draw < state.fail_rate / 2:
            self._send_json(503, {"error": "temporarily unavailable (simulated)"})
            return None
        try:
            return draw, json.loads(body or b"{}")
        except ValueError:
            self._send_json(400, {"error": "invalid JSON"})
            return None

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        path = urlparse(self.path).path
        if path == "/v1/simulator/config":
            self.state.configure(json.loads(body or b"{}"))
            self._send_json(200, {"ok": True})
            return
        if self.state.provider != "simulator":
            route = self._provider_route(path, sending=True)
        elif path == "/v1/messages":
            route = path
        else:
            route = None
            self._send_json(404, {"error": "not found"})
        if route is None:
            return
        admitted = self._admit(body)
        if admitted is None:
            return
        if self.state.provider == "simulator":
            self._own_post(*admitted)
        else:
            self._provider_post(route, *admitted)

    def _own_post(self, draw: float, payload: dict) -> None:
        state = self.state
        messages = payload.get("messages", [])
        if len(messages) > MAX_BATCH:
            self._send_json(413, {"error": "at most 1000 messages a request"})
            return
        results = state.accept(messages)
        if draw < state.fail_rate or state.answer_lost():
            self._drop_answer()
            return
        self._send_json(200, {"results": results})

    def _provider_route(self, path: str, *, sending: bool):
        """The provider's route for this path once its keys pass; None once refused."""
        state = self.state
        if state.provider == "sens":
            route = providers.sens_messages_path(state, path)
            # A send goes to the messages URI itself; a read may name one message below it.
            if route is None or (sending and route[1] != ""):
                refusal = providers.sens_error(404, "no such service")
            else:
                refusal = providers.sens_refusal(self, state)
        else:
            route = providers.nhn_route(state, path)
            refusal = providers.nhn_refusal(self, state, route)
        if refusal:
            self._send_json(*refusal)
            return None
        return route

    def _provider_post(self, route, draw: float, payload: dict) -> None:
        state = self.state
        if state.provider == "sens":
            post = alimtalk.sens_post if route[0] == "alimtalk" else providers.sens_post
            status, answer = post(state, payload)
            taken = status == 202
        else:
            if route == "raw-messages":
                status, answer = 200, alimtalk.nhn_post(state, payload)
            else:
                status, answer = 200, providers.nhn_post(state, route, payload)
            taken = answer["header"]["isSuccessful"]
        if taken and (draw < state.fail_rate or state.answer_lost()):
            self._drop_answer()
            return
        self._send_json(status, answer)

    def _provider_get(self, url) -> None:
        state = self.state
        route = self._provider_route(url.path, sending=False)
        if route is None:
            return
        query = parse_qs(url.query)
        if state.provider == "sens":
            get = alimtalk.sens_get if route[0] == "alimtalk" else providers.sens_get
            self._send_json(*get(state, route[1], query))
        elif route == "messages":
            self._send_json(200, alimtalk.nhn_list(state, query))
        else:
            self._send_json(200, providers.nhn_list(state, route, query))

    def do_GET(self):
        url = urlparse(self.path)
        query = parse_qs(url.query)
        state = self.state
        if state.provider != "simulator":
            self._provider_get(url)
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
    *, host: str = "127.0.0.1", port: int, record: str, **behaviour
) -> ThreadingHTTPServer:
    """A simulator on host:port recording to `record`; `behaviour` as GatewayState takes it."""
    state = GatewayState(record, **behaviour)
    handler = type("BoundGatewayHandler", (GatewayHandler,), {"state": state})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server
