"""The adapters' shared pieces: the HTTP call and its failures, paged listings, the clock given."""

import contextlib
import datetime
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from rpa import gateway
from rpa.gateway import nhn, sens, transport
from rpa.gateway.simulator import make_server
from tests.conftest import free_port

MOMENT = datetime.datetime(2024, 5, 1, 1, 2, 3, 456000, tzinfo=datetime.UTC)


class FixedAnswers(BaseHTTPRequestHandler):
    """Answers the status its path names (/429, /503, /400) or an unfinished JSON body (/cut)."""

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        return

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.do_GET()

    def do_GET(self):
        cut = self.path == "/cut"
        body = b'{"cut' if cut else b"{}"
        self.send_response(200 if cut else int(self.path[1:]))
        if self.path == "/429":
            self.send_header("Retry-After", "2.5")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextlib.contextmanager
def serving(server: ThreadingHTTPServer):
    """The server answering on its own thread; its address."""
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def fixed_answers():
    with serving(ThreadingHTTPServer(("127.0.0.1", 0), FixedAnswers)) as url:
        yield url


def test_a_429_is_rate_limited_for_the_seconds_of_its_retry_after(fixed_answers):
    with pytest.raises(gateway.RateLimited) as limited:
        transport.call("POST", f"{fixed_answers}/429", {})
    assert limited.value.retry_after == 2.5


@pytest.mark.parametrize(
    ("path", "error"),
    [
        ("/503", gateway.OutcomeUnknown),  # the provider may have taken it before failing
        ("/cut", gateway.OutcomeUnknown),  # an answer that breaks off came after the work
        ("/400", gateway.GatewayUnavailable),  # refused before any work
    ],
)
def test_a_failed_send_is_sorted_by_whether_the_provider_may_have_taken_it(
    fixed_answers, path, error
):
    with pytest.raises(error):
        transport.call("POST", f"{fixed_answers}{path}", {})


@pytest.mark.parametrize("path", ["/503", "/429", "/cut"])
def test_a_failed_read_is_asked_again_later(fixed_answers, path):
    with pytest.raises(gateway.GatewayUnavailable):
        transport.call("GET", f"{fixed_answers}{path}")


def test_a_gateway_nobody_listens_at_certainly_took_nothing():
    with pytest.raises(gateway.GatewayUnavailable):
        transport.call("POST", f"http://127.0.0.1:{free_port()}/v1/messages", {})


def test_a_paged_listing_reads_until_a_short_page():
    pages = {0: [1, 2], 1: [3, 4], 2: [5], 3: [6]}
    asked = []

    def read_page(page):
        asked.append(page)
        return pages[page]

    assert list(transport.paged(read_page, size=2, first=0)) == [1, 2, 3, 4, 5]
    assert asked == [0, 1, 2]


def test_sens_signs_with_the_moment_given(settings):
    settings.SENS_ACCESS_KEY, settings.SENS_SECRET_KEY = "access", "secret"

    headers = sens.signed_headers("GET", "/sms/v2/services/s/messages?requestId=r", now=MOMENT)

    assert headers["x-ncp-apigw-timestamp"] == "1714525323456"
    assert headers["x-ncp-iam-access-key"] == "access"
    assert headers["x-ncp-apigw-signature-v2"] == sens.signature(
        "GET", "/sms/v2/services/s/messages?requestId=r", "1714525323456", "access", "secret"
    )


@pytest.fixture
def nhn_simulator(settings, tmp_path):
    keys = {"app_key": "app", "secret": "secret"}
    server = make_server(port=0, record=str(tmp_path / "nhn.jsonl"), provider="nhn", keys=keys)
    with serving(server) as url:
        settings.NHN_SMS_API_URL = url
        settings.NHN_SMS_APP_KEY, settings.NHN_SMS_SECRET_KEY = "app", "secret"
        settings.NHN_ALIMTALK_APP_KEY = ""
        yield url


def test_an_nhn_lookup_searches_up_to_the_moment_given(nhn_simulator):
    sent_at = datetime.datetime.now(datetime.UTC)
    message = gateway.Outgoing("c-1", "01011112222", "0212345678", "검사 결과 안내", "sms")
    [result] = nhn.NhnProvider().send_batch([message], batch_key="batch-1")
    pending = [gateway.Pending("c-1", message.to, message.sender, "batch-1", since=sent_at)]

    found = nhn.NhnProvider().lookup(pending, now=sent_at)
    # A window that ends an hour before the send was made cannot hold it.
    earlier = sent_at - datetime.timedelta(hours=1)
    before = nhn.NhnProvider().lookup(pending, now=earlier)

    assert found["c-1"].message_id == result.message_id
    assert before == {}
