"""A worker killed with kill -9 in the middle of a batch: nobody texted twice, nobody missed.

Through each provider: the simulator's protocol and NHN Cloud are asked what they took; a
SENS batch cut off mid-request is uncertain until the health team looks it up again.
"""

import os
import signal
import subprocess
import time
from collections import Counter

import pytest
from django.db import connection

from rpa import services
from rpa.models import OutboxMessage
from tests.conftest import ROOT, free_port, wait_for, worker_command
from tests.rpa.conftest import (
    PROVIDER_NAMES,
    REGISTERED_SENDER,
    SIM_DIR,
    Simulator,
    provider_settings,
    start_simulator,
)
from tests.rpa.factories import results_sheet, upload_sheet

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]


def start_worker(gateway_url: str, name: str, provider: str = "simulator") -> subprocess.Popen:
    env = dict(os.environ)
    env.update(provider_settings(provider, gateway_url))
    env.update(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{connection.settings_dict['NAME']}",
        DJANGO_LOCAL_HTTP="1",
        RPA_SEND_BATCH_SIZE="200",
        RPA_STALE_SENDING_SECONDS="3",
    )
    return subprocess.Popen(
        worker_command(name),
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )


def wait_until_answers(app, name: str) -> None:
    wait_for(lambda: app.control.ping(destination=[name], timeout=0.5), timeout=60)


@pytest.fixture
def own_queue():
    """Other workers of the session stop consuming while this test's worker runs."""
    from config.celery import app

    others = [name for reply in app.control.ping(timeout=1) for name in reply]
    for name in others:
        app.control.cancel_consumer("celery", destination=[name], reply=True)
    yield app
    for name in others:
        app.control.add_consumer("celery", destination=[name], reply=True)


@pytest.mark.parametrize("provider", PROVIDER_NAMES)
def test_worker_killed_mid_batch_sends_each_row_exactly_once(
    health_user, templates, own_queue, settings, provider
):
    settings.RPA_STALE_SENDING_SECONDS = 3
    app = own_queue
    port = free_port()
    record = SIM_DIR / f"faults-{port}.jsonl"
    simulator = start_simulator(
        port, record, "--latency-ms", "400", "--provider", provider, "--senders", REGISTERED_SENDER
    )
    gateway = Simulator(f"http://127.0.0.1:{port}", record)
    for key, value in provider_settings(provider, gateway.url).items():
        setattr(settings, key, value)
    first = start_worker(gateway.url, f"faults-a-{os.getpid()}@localhost", provider)
    second = None
    try:
        wait_until_answers(app, f"faults-a-{os.getpid()}@localhost")
        upload = upload_sheet(health_user, results_sheet(3000, start=700000))
        services.confirm_send(upload=upload, user=health_user)
        messages = OutboxMessage.objects.filter(upload=upload)
        wait_for(
            lambda: (
                messages.filter(status="sent").exists()
                and messages.filter(status="sending").exists()
            ),
            timeout=60,
            interval=0.05,
        )
        # The batch just claimed goes out within milliseconds and is answered after 400 ms:
        # kill while its request is surely in flight, not between the claim and the request.
        time.sleep(0.2)
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
        in_flight = set(messages.filter(status="sending").values_list("to", flat=True))
        assert in_flight
        # The gateway finishes the request the dead worker was waiting on (latency 400 ms).
        time.sleep(1)
        before_restart = gateway.lines()
        assert 0 < len(before_restart) < 3000, "the kill did not land in the middle of the send"
        # Mid-send: the gateway accepted messages whose answer the killed worker never read.
        assert in_flight & {line["to"] for line in before_restart}

        second = start_worker(gateway.url, f"faults-b-{os.getpid()}@localhost", provider)
        wait_until_answers(app, f"faults-b-{os.getpid()}@localhost")

        def all_sent():
            services.sweep_outbox()  # what beat does every 30 s
            return not messages.filter(status__in=("queued", "sending", "unknown")).exists()

        wait_for(all_sent, timeout=180, interval=2)
        time.sleep(1)
        if provider == "sens":
            # SENS cannot be asked by our ids: what the dead worker had in flight waits for a
            # person, who looks it up again and finds what SENS took.
            uncertain = set(messages.filter(status="uncertain").values_list("to", flat=True))
            assert uncertain and uncertain <= in_flight
            services.lookup_uncertain(upload=upload, user=health_user)
        assert set(messages.values_list("status", flat=True)) <= {"sent", "delivered"}
        assert len(gateway.lines()) > len(before_restart), "nothing was sent after the restart"
        received = Counter(line["to"] for line in gateway.lines())
        assert len(received) == 3000
        assert set(received.values()) == {1}
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)
        simulator.terminate()
        simulator.wait(timeout=10)
