"""Fixtures of the rpa tests: the SMS gateway simulator, templates, sheets."""

import datetime
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from core import clock
from tests.conftest import free_port
from tests.rpa.factories import make_templates

ROOT = Path(__file__).resolve().parents[2]


# Chosen at collection, before any fixture runs: the session's Celery worker copies the
# environment when it starts, so it must already name the simulator that tests start.
SIM_PORT = free_port()
SIM_DIR = Path(tempfile.mkdtemp(prefix="rpa-sim-"))
SIM_RECORD = SIM_DIR / "record.jsonl"
os.environ["SMS_GATEWAY_URL"] = f"http://127.0.0.1:{SIM_PORT}"
os.environ["RPA_RETRY_BASE_SECONDS"] = "1"
os.environ["SMS_GATEWAY_TIMEOUT"] = "5"
os.environ["RPA_PRIVATE_ROOT"] = str(SIM_DIR / "private")
# The keys the provider simulators check and the adapters sign with (never real ones).
PROVIDER_KEYS = {
    "SENS_SERVICE_ID": "ncp:sms:kr:000000000001:flexwork-test",
    "SENS_ACCESS_KEY": "test-access-key",
    "SENS_SECRET_KEY": "test-secret-key",
    "NHN_SMS_APP_KEY": "test-app-key",
    "NHN_SMS_SECRET_KEY": "test-nhn-secret",
    "SENS_ALIMTALK_SERVICE_ID": "ncp:kkobizmsg:kr:000000000001:flexwork-test",
    "SENS_KAKAO_CHANNEL_ID": "@flexwork-test",
    "NHN_ALIMTALK_APP_KEY": "test-alimtalk-app-key",
    "NHN_ALIMTALK_SECRET_KEY": "test-alimtalk-secret",
    "NHN_ALIMTALK_SENDER_KEY": "test-kakao-sender-key",
}
os.environ.update(PROVIDER_KEYS)


def start_simulator(port: int, record: Path, *extra: str) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "sms_gateway_sim",
            "--port",
            str(port),
            "--record",
            str(record),
            *extra,
        ],
        cwd=ROOT,
        env={**os.environ, "DJANGO_LOCAL_HTTP": "1"},
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process
        except OSError:
            if process.poll() is not None:
                raise RuntimeError("the simulator exited while starting") from None
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the simulator did not start")


class Simulator:
    def __init__(self, url: str, record: Path):
        self.url = url
        self.record = record

    def configure(self, **values) -> None:
        request = urllib.request.Request(
            f"{self.url}/v1/simulator/config",
            data=json.dumps(values).encode(),
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        urllib.request.urlopen(request, timeout=5).read()

    def lines(self) -> list[dict]:
        if not self.record.exists():
            return []
        return [json.loads(line) for line in self.record.read_text().splitlines() if line]

    def received(self, client_ids) -> dict[str, int]:
        """How many times each of these client ids reached a phone."""
        wanted = {str(c) for c in client_ids}
        counts: dict[str, int] = {}
        for line in self.lines():
            if line["client_id"] in wanted:
                counts[line["client_id"]] = counts.get(line["client_id"], 0) + 1
        return counts


@pytest.fixture(scope="session")
def sms_gateway():
    process = start_simulator(SIM_PORT, SIM_RECORD)
    yield Simulator(os.environ["SMS_GATEWAY_URL"], SIM_RECORD)
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(autouse=True)
def _rpa_settings(settings):
    settings.SMS_GATEWAY_URL = os.environ["SMS_GATEWAY_URL"]
    settings.RPA_RETRY_BASE_SECONDS = 1
    settings.SMS_GATEWAY_TIMEOUT = 5
    settings.RPA_PRIVATE_ROOT = Path(os.environ["RPA_PRIVATE_ROOT"])
    django_settings.SMS_GATEWAY_URL = os.environ["SMS_GATEWAY_URL"]


@pytest.fixture
def gateway(sms_gateway):
    sms_gateway.configure(fail_rate=0, busy_rate=0, rate_limit=0, latency_ms=0)
    yield sms_gateway
    sms_gateway.configure(fail_rate=0, busy_rate=0, rate_limit=0, latency_ms=0)


@pytest.fixture
def templates(db):
    return make_templates()


# The day the tests of the self-checks, the call list and the reports live on: a Monday in the
# middle of a month, so that no test depends on the day it runs.
TODAY = datetime.date(2026, 3, 2)


@pytest.fixture
def fixed_clock(monkeypatch) -> datetime.datetime:
    """The portal's clock (core.clock, read by services, selectors and pages) reads noon of
    TODAY in the office's time zone; returns that moment."""
    moment = timezone.make_aware(datetime.datetime.combine(TODAY, datetime.time(12, 0)))
    monkeypatch.setattr(clock, "now", lambda: moment)
    return moment


# --- one simulator per provider ------------------------------------------------------------

PROVIDER_NAMES = ("simulator", "sens", "nhn")
# The caller number the factories' templates use, registered at every provider simulator.
REGISTERED_SENDER = "0212345678"


def provider_settings(name: str, url: str) -> dict:
    """The settings (and environment of a worker) that send through `name` at `url`."""
    values = {"SMS_PROVIDER": name, **PROVIDER_KEYS}
    values.update(
        SMS_GATEWAY_URL=url, SENS_API_URL=url, NHN_SMS_API_URL=url, NHN_ALIMTALK_API_URL=url
    )
    return values


def start_provider(name: str, *extra: str):
    port = free_port()
    record = SIM_DIR / f"{name}-{port}.jsonl"
    process = start_simulator(
        port, record, "--provider", name, "--senders", REGISTERED_SENDER, *extra
    )
    return process, Simulator(f"http://127.0.0.1:{port}", record)


@pytest.fixture(scope="session", params=PROVIDER_NAMES)
def provider_sim(request):
    process, simulator = start_provider(request.param)
    simulator.name = request.param
    yield simulator
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def through(provider_sim, settings, session_worker_paused):
    """This test sends through the parametrized provider's simulator, faults off, in its own
    process: the session's worker (with the environment's provider) takes none of its tasks."""
    for key, value in provider_settings(provider_sim.name, provider_sim.url).items():
        setattr(settings, key, value)
    calm = {"fail_rate": 0, "busy_rate": 0, "rate_limit": 0, "latency_ms": 0, "drop_rate": 0}
    provider_sim.configure(**calm, kakao_miss_rate=0)
    yield provider_sim
    provider_sim.configure(**calm, kakao_miss_rate=0)
