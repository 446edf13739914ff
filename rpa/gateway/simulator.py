"""A bulk-SMS gateway simulator for development, tests and benchmarks (see client.py for the protocol).

Every accepted message is appended to the record file as one JSON line (client_id, to, text),
flushed at once, duplicates included: the record is what residents would have received.
"""

import json
import random
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

MAX_BATCH = 1000


class GatewayState:
    def __init__(
        self,
        record_path: str,
        fail_rate: float,
        latency_ms: int,
        rate_limit: float,
        busy_rate: float = 0.0,
    ):
        self.lock = threading.Lock()
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
                line = {"client_id": client_id, "to": to, "text": message.get("text", "")}
                self.record.write(json.dumps(line, ensure_ascii=False) + "\n")
                self.record.flush()
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
            self._send_json(200, {"ok": True})
            return
        if urlparse(self.path).path != "/v1/messages":
            self._send_json(404, {"error": "not found"})
            return
        state = self.state
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
        if draw < state.fail_rate:
            # The messages were accepted, the answer is lost: the client must look them up.
            self.close_connection = True
            self.connection.shutdown(2)
            return
        self._send_json(200, {"results": results})

    def do_GET(self):
        url = urlparse(self.path)
        query = parse_qs(url.query)
        state = self.state
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
) -> ThreadingHTTPServer:
    state = GatewayState(record, fail_rate, latency_ms, rate_limit, busy_rate)
    handler = type("BoundGatewayHandler", (GatewayHandler,), {"state": state})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server
